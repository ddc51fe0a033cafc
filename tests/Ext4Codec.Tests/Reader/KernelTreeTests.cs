using System.Collections.Generic;
using System.IO;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Reader;

/// <summary>
/// Every kernel-written image in corpus/kernel: the tree we read (names, types, modes, owners, link counts,
/// sizes, device numbers, inode numbers, file contents and link targets) equals what the mounted kernel showed
/// when corpus/make-kernel-images.sh dumped it.
/// </summary>
public class KernelTreeTests
{
    public static IEnumerable<object[]> Images => RepoImages.Kernel();

    [SkippableTheory]
    [MemberData(nameof(Images))]
    public void Tree_equals_the_mounted_kernel_tree(string relativePath)
    {
        Skip.If(relativePath == RepoImages.NoKernelImages, "corpus/kernel holds no images; run corpus/make-kernel-images.sh as root");
        string image = RepoImages.PathOf(relativePath);
        var expected = File.ReadAllLines(RepoImages.Beside(image, ".tree"));
        using var fs = Ext4FileSystem.Open(image);
        var errors = new List<Corruption>();
        var actual = CanonicalTree.Lines(fs, errors);
        Assert.Empty(errors);
        Assert.Equal(expected, actual);
    }
}
