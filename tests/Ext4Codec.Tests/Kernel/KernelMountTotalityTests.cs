using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using Ext4Codec.FileSystem;
using Ext4Codec.Imaging;
using Ext4Codec.Journal;
using Ext4Codec.Kernel;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Kernel;

/// <summary>
/// The mount model is total: bytes flipped in the superblock, the first descriptor block, the root inode, the
/// journal superblock and the start of the log, truncated images and garbage all get a well-formed verdict,
/// never an exception or a hang.
/// </summary>
public sealed class KernelMountTotalityTests
{
    private static readonly TimeSpan MaxPerImage = TimeSpan.FromSeconds(10);

    [SkippableTheory]
    [InlineData("corpus/images/demo-ext4.img.gz", 20261125)]
    [InlineData("corpus/fc/fc-1k-basic.img.gz", 3)]
    [InlineData("corpus/kernel/ext3-blockmap.img.gz", 7)]
    public void Mutated_metadata_always_gets_a_verdict(string relative, int seed)
    {
        Skip.If(!File.Exists(RepoImages.PathOf(relative)), relative + " is missing");
        using var extracted = RepoImages.Extract(relative);
        byte[] original = File.ReadAllBytes(extracted.Path);
        var regions = MetadataRegions(extracted.Path);
        var random = new Random(seed);
        for (int round = 0; round < 120; round++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int n = 1 + random.Next(8); n > 0; n--)
            {
                var (start, length) = regions[random.Next(regions.Count)];
                bytes[start + random.Next(length)] = (byte)random.Next(256);
            }
            JudgeWellFormed(bytes, $"{relative} round {round}");
        }
    }

    [Fact]
    public void Truncated_empty_and_garbage_images_get_a_verdict()
    {
        using var extracted = RepoImages.Extract("corpus/images/demo-ext4.img.gz");
        byte[] original = File.ReadAllBytes(extracted.Path);
        foreach (int length in new[] { 0, 1, 1023, 1024, 2047, 2048, 3000, 4096, 8191, 65536, 1 << 20, original.Length - 4096, original.Length - 1 })
            JudgeWellFormed(original.AsSpan(0, length).ToArray(), $"first {length} bytes");
        JudgeWellFormed(new byte[1 << 20], "1 MiB of zeros");
        var random = new Random(42);
        for (int round = 0; round < 20; round++)
        {
            var garbage = new byte[4096 << random.Next(6)];
            random.NextBytes(garbage);
            // A valid magic makes the superblock checks run on garbage.
            if (round % 2 == 0) BitConverter.GetBytes((ushort)0xEF53).CopyTo(garbage, 1024 + 0x38);
            JudgeWellFormed(garbage, $"garbage {round}");
        }
    }

    private static void JudgeWellFormed(byte[] bytes, string what)
    {
        using var image = DiskImage.FromStream(new MemoryStream(bytes), what);
        var clock = Stopwatch.StartNew();
        var verdict = KernelMountModel.Judge(image, null, KernelProfile.Linux6_18);
        Assert.True(clock.Elapsed < MaxPerImage, $"{what}: {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Contains(verdict.Mount, new[] { "rw", "ro", "refuse" });
        foreach (var outcome in new[] { verdict.Rw, verdict.Ro, verdict.RoNoLoad })
        {
            if (outcome.Mounted)
            {
                Assert.Equal("", outcome.Errno);
                Assert.True(outcome.ReadOnly || !outcome.Request.ReadOnly, what);
                Assert.Equal(outcome.ReadOnly && !outcome.Request.ReadOnly, outcome.CheckId.Length != 0);
            }
            else
            {
                Assert.NotEqual("", outcome.Errno);
                Assert.NotEqual("", outcome.CheckId);
            }
        }
    }

    /// <summary>(offset, length) of the superblock, the first descriptor block, the root inode, the journal superblock and the first log blocks.</summary>
    private static List<(int Start, int Length)> MetadataRegions(string path)
    {
        using var fs = Ext4FileSystem.Open(path);
        int bs = (int)fs.Geometry.BlockSize;
        var regions = new List<(int, int)>
        {
            (1024, 1024),
            ((int)fs.GroupDescriptorOffset(0), bs),
            ((int)fs.InodeOffset(2), (int)fs.Geometry.InodeSize),
        };
        var journal = JournalLocator.Locate(fs);
        if (journal.SuperblockOffset >= 0)
        {
            regions.Add(((int)journal.SuperblockOffset, 1024));
            regions.Add(((int)journal.SuperblockOffset + bs, bs * 8));
        }
        return regions;
    }
}
