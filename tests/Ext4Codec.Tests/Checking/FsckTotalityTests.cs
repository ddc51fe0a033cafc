using System;
using System.IO;
using Ext4Codec.Checking;
using Ext4Codec.Imaging;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Checking;

/// <summary>
/// The checker is total: images with bytes flipped in their metadata (superblock, descriptors, bitmaps, inode
/// tables, directory and extent blocks at the front of the image) always give a result, never an exception or a hang.
/// </summary>
public sealed class FsckTotalityTests
{
    [SkippableTheory]
    [InlineData("corpus/images/demo-ext4.img.gz", 20261125)]
    [InlineData("corpus/kernel/ext3-blockmap.img.gz", 7)]
    [InlineData("corpus/kernel/ext4-inline.img.gz", 11)]
    public void Mutated_images_always_get_a_verdict(string relative, int seed)
    {
        Skip.If(!File.Exists(RepoImages.PathOf(relative)), relative + " is missing");
        using var extracted = RepoImages.Extract(relative);
        byte[] original = File.ReadAllBytes(extracted.Path);
        var random = new Random(seed);
        int metadataBytes = Math.Min(original.Length, 256 << 10);
        for (int round = 0; round < 150; round++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int n = 1 + random.Next(12); n > 0; n--) bytes[random.Next(metadataBytes)] = (byte)random.Next(256);
            using var image = DiskImage.FromStream(new MemoryStream(bytes), $"round {round}");
            var result = FsckChecker.Check(image);
            Assert.InRange(result.ExitCode, 0, 12);
        }
    }
}
