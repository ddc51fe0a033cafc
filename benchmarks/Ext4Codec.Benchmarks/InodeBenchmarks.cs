using System;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Ext4Codec.Format;

namespace Ext4Codec.Benchmarks;

/// <summary>A stat of 64 inodes: mode, owner, size, blocks, flags and the extra-size-gated fields.</summary>
[MemoryDiagnoser]
public class InodeBenchmarks
{
    private readonly byte[] _table = SampleBlocks.Inodes;
    private readonly int _size = SampleBlocks.InodeSize;

    [Benchmark(Baseline = true)]
    public ulong HandWritten()
    {
        ulong sum = 0;
        ReadOnlySpan<byte> table = _table;
        for (int off = 0; off + _size <= table.Length; off += _size)
        {
            var d = table.Slice(off, _size);
            if (d.Length < 128) throw new ArgumentException("short inode");
            ulong size = BinaryPrimitives.ReadUInt32LittleEndian(d[0x04..]) | (ulong)BinaryPrimitives.ReadUInt32LittleEndian(d[0x6C..]) << 32;
            ulong blocks = BinaryPrimitives.ReadUInt32LittleEndian(d[0x1C..]) | (ulong)BinaryPrimitives.ReadUInt16LittleEndian(d[0x74..]) << 32;
            uint uid = BinaryPrimitives.ReadUInt16LittleEndian(d[0x02..]) | (uint)BinaryPrimitives.ReadUInt16LittleEndian(d[0x78..]) << 16;
            int extra = d.Length > 128 ? BinaryPrimitives.ReadUInt16LittleEndian(d[0x80..]) : 0;
            uint crtime = d.Length >= 0x94 && 128 + extra >= 0x94 ? BinaryPrimitives.ReadUInt32LittleEndian(d[0x90..]) : 0;
            uint projid = d.Length >= 0xA0 && 128 + extra >= 0xA0 ? BinaryPrimitives.ReadUInt32LittleEndian(d[0x9C..]) : 0;
            sum += size + blocks + uid + BinaryPrimitives.ReadUInt16LittleEndian(d) + BinaryPrimitives.ReadUInt16LittleEndian(d[0x1A..])
                + BinaryPrimitives.ReadUInt32LittleEndian(d[0x20..]) + crtime + projid;
        }
        return sum;
    }

    [Benchmark]
    public ulong Generated()
    {
        ulong sum = 0;
        ReadOnlySpan<byte> table = _table;
        for (int off = 0; off + _size <= table.Length; off += _size)
        {
            var inode = new InodeView(table.Slice(off, _size));
            sum += inode.i_size + inode.i_blocks + inode.i_uid_full + inode.i_mode + inode.i_links_count + (uint)inode.i_flags
                + (inode.Has_i_crtime ? inode.i_crtime : 0) + (inode.Has_i_projid ? inode.i_projid : 0);
        }
        return sum;
    }
}
