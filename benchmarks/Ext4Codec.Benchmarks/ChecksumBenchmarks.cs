using System;
using System.Buffers.Binary;
using System.Numerics;
using BenchmarkDotNet.Attributes;
using Ext4Codec.Format;

namespace Ext4Codec.Benchmarks;

/// <summary>Inode checksum verification (ext4_inode_csum_verify) over 64 inodes.</summary>
[MemoryDiagnoser]
public class ChecksumBenchmarks
{
    private readonly byte[] _table = SampleBlocks.Inodes;
    private readonly int _size = SampleBlocks.InodeSize;
    private const uint Seed = 0x12345678;

    [Benchmark(Baseline = true)]
    public int HandWritten()
    {
        int ok = 0;
        ReadOnlySpan<byte> table = _table;
        Span<byte> le = stackalloc byte[4];
        ReadOnlySpan<byte> zero = [0, 0];
        for (int off = 0, ino = 1; off + _size <= table.Length; off += _size, ino++)
        {
            var d = table.Slice(off, _size);
            BinaryPrimitives.WriteUInt32LittleEndian(le, (uint)ino);
            uint crc = Crc(Seed, le);
            BinaryPrimitives.WriteUInt32LittleEndian(le, BinaryPrimitives.ReadUInt32LittleEndian(d[0x64..]));
            crc = Crc(crc, le);
            bool hiFits = d.Length > 128 && 128 + BinaryPrimitives.ReadUInt16LittleEndian(d[0x80..]) >= 0x84;
            crc = Crc(crc, d[..0x7C]);
            crc = Crc(crc, zero);
            if (hiFits)
            {
                crc = Crc(crc, d[0x7E..0x82]);
                crc = Crc(crc, zero);
                crc = Crc(crc, d[0x84..]);
            }
            else crc = Crc(crc, d[0x7E..]);
            uint stored = BinaryPrimitives.ReadUInt16LittleEndian(d[0x7C..]) | (hiFits ? (uint)BinaryPrimitives.ReadUInt16LittleEndian(d[0x82..]) << 16 : 0);
            if ((hiFits ? crc : crc & 0xFFFF) == stored) ok++;
        }
        return ok;
    }

    [Benchmark]
    public int Generated()
    {
        int ok = 0;
        ReadOnlySpan<byte> table = _table;
        for (int off = 0, ino = 1; off + _size <= table.Length; off += _size, ino++)
            if (new InodeView(table.Slice(off, _size)).VerifyCsum(Seed, (uint)ino)) ok++;
        return ok;
    }

    private static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (byte b in data) crc = BitOperations.Crc32C(crc, b);
        return crc;
    }
}
