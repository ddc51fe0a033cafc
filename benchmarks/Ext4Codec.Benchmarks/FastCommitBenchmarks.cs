using System;
using System.IO;
using BenchmarkDotNet.Attributes;
using Ext4Codec.FastCommit;
using Ext4Codec.Format;
using Ext4Codec.Imaging;
using Ext4Codec.Journal;

namespace Ext4Codec.Benchmarks;

/// <summary>
/// The kernel's fast-commit scan verdict over a 64 MiB area of valid commits (about a million records), against
/// crc32c over the same bytes: the scan must checksum every record, so that is its ceiling.
/// </summary>
[MemoryDiagnoser]
public class FastCommitBenchmarks
{
    private const int AreaBytes = 64 << 20;
    private SyntheticFcArea _area = null!;
    private DiskImage _image = null!;
    private JournalStore _store = null!;

    [GlobalSetup]
    public void Setup()
    {
        _area = new SyntheticFcArea(AreaBytes, 4096);
        _image = DiskImage.FromStream(new MemoryStream(_area.Bytes), "synthetic fast-commit area");
        _store = JournalStore.OnDevice(_image, _area.BlockSize, 0);
        var verdict = Judge();
        if (verdict.Outcome != FcOutcome.Replay || verdict.ReplayTags != _area.Records)
            throw new InvalidOperationException($"synthetic area misjudged: {verdict.Outcome} {verdict.ReplayTags}/{_area.Records}: {verdict.Reason}");
        Console.WriteLine($"// {_area.Records} records in {_area.Blocks} blocks");
    }

    [GlobalCleanup]
    public void Cleanup() => _image.Dispose();

    [Benchmark(Baseline = true)]
    public uint Crc32COnly() => Crc32C.Append(0, _area.Bytes.AsSpan(0, AreaBytes));

    [Benchmark]
    public FcVerdict Judge() => FcScanner.Judge(_store, 0, (uint)_area.Blocks + 1, SyntheticFcArea.Tid, 256);
}
