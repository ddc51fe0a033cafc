using System;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Ext4Codec.Format;

namespace Ext4Codec.Benchmarks;

/// <summary>The fields a mount reads first: counts, geometry, features, combined 64-bit block counts.</summary>
[MemoryDiagnoser]
public class SuperBlockBenchmarks
{
    private readonly byte[] _data = SampleBlocks.SuperBlock;

    [Benchmark(Baseline = true)]
    public ulong HandWritten()
    {
        ReadOnlySpan<byte> d = _data;
        if (d.Length < 1024) throw new ArgumentException("short superblock");
        bool is64 = (BinaryPrimitives.ReadUInt32LittleEndian(d[0x60..]) & 0x80) != 0;
        ulong blocks = BinaryPrimitives.ReadUInt32LittleEndian(d[0x04..]) | (is64 ? (ulong)BinaryPrimitives.ReadUInt32LittleEndian(d[0x150..]) << 32 : 0);
        ulong free = BinaryPrimitives.ReadUInt32LittleEndian(d[0x0C..]) | (is64 ? (ulong)BinaryPrimitives.ReadUInt32LittleEndian(d[0x158..]) << 32 : 0);
        return blocks + free + BinaryPrimitives.ReadUInt32LittleEndian(d) + BinaryPrimitives.ReadUInt32LittleEndian(d[0x18..])
            + BinaryPrimitives.ReadUInt32LittleEndian(d[0x20..]) + BinaryPrimitives.ReadUInt32LittleEndian(d[0x28..])
            + BinaryPrimitives.ReadUInt16LittleEndian(d[0x38..]) + BinaryPrimitives.ReadUInt32LittleEndian(d[0x5C..])
            + BinaryPrimitives.ReadUInt32LittleEndian(d[0x64..]) + BinaryPrimitives.ReadUInt16LittleEndian(d[0x58..])
            + BinaryPrimitives.ReadUInt16LittleEndian(d[0xFE..]);
    }

    [Benchmark]
    public ulong Generated()
    {
        var sb = new SuperBlockView(_data);
        return sb.s_blocks_count + sb.s_free_blocks_count + sb.s_inodes_count + sb.s_log_block_size
            + sb.s_blocks_per_group + sb.s_inodes_per_group + sb.s_magic + (uint)sb.s_feature_compat
            + (uint)sb.s_feature_ro_compat + sb.s_inode_size + sb.s_desc_size;
    }
}
