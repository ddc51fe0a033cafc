using System;
using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Ext4Codec.Format;

namespace Ext4Codec.Benchmarks;

/// <summary>Decoding a full extent leaf (340 entries at 4 KiB): header checks, then every entry's 48-bit start and length.</summary>
[MemoryDiagnoser]
public class ExtentBenchmarks
{
    private readonly byte[] _leaf = SampleBlocks.ExtentLeaf;

    [Benchmark(Baseline = true)]
    public ulong HandWritten()
    {
        ReadOnlySpan<byte> node = _leaf;
        if (node.Length < 12 || BinaryPrimitives.ReadUInt16LittleEndian(node) != 0xF30A) throw new ArgumentException("bad header");
        int entries = BinaryPrimitives.ReadUInt16LittleEndian(node[2..]);
        if (entries > BinaryPrimitives.ReadUInt16LittleEndian(node[4..]) || 12 + entries * 12 > node.Length) throw new ArgumentException("bad count");
        ulong sum = 0;
        for (int i = 0; i < entries; i++)
        {
            var e = node.Slice(12 + i * 12, 12);
            uint len = BinaryPrimitives.ReadUInt16LittleEndian(e[4..]);
            ulong start = BinaryPrimitives.ReadUInt32LittleEndian(e[8..]) | (ulong)BinaryPrimitives.ReadUInt16LittleEndian(e[6..]) << 32;
            sum += BinaryPrimitives.ReadUInt32LittleEndian(e) + start + (len > 32768 ? len - 32768 : len);
        }
        return sum;
    }

    [Benchmark]
    public ulong Generated()
    {
        ReadOnlySpan<byte> node = _leaf;
        var header = new ExtentHeaderView(node);
        if (header.eh_magic != 0xF30A) throw new ArgumentException("bad header");
        int entries = header.eh_entries;
        if (entries > header.eh_max || 12 + entries * 12 > node.Length) throw new ArgumentException("bad count");
        ulong sum = 0;
        for (int i = 0; i < entries; i++)
        {
            var e = new ExtentView(node.Slice(12 + i * 12, 12));
            uint len = e.ee_len;
            sum += e.ee_block + e.ee_start + (len > 32768 ? len - 32768 : len);
        }
        return sum;
    }
}
