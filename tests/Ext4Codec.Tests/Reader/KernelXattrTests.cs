using System;
using System.Collections.Generic;
using System.IO;
using Ext4Codec.Directories;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Tests.Corpus;
using Ext4Codec.Xattrs;
using Xunit;

namespace Ext4Codec.Tests.Reader;

/// <summary>
/// Every extended attribute of the kernel-written images equals what getfattr returned on the mounted image
/// (in-inode, block, shared-block and ea_inode values; ACLs converted to the xattr format). Attributes the
/// kernel does not list are left out on our side too: system.data (inline data) and security.*.
/// </summary>
public class KernelXattrTests
{
    public static IEnumerable<object[]> Images => RepoImages.Kernel();

    [SkippableTheory]
    [MemberData(nameof(Images))]
    public void Xattrs_equal_getfattr(string relativePath)
    {
        Skip.If(relativePath == RepoImages.NoKernelImages, "corpus/kernel holds no images; run corpus/make-kernel-images.sh as root");
        string image = RepoImages.PathOf(relativePath);
        var expected = File.ReadAllLines(RepoImages.Beside(image, ".xattrs"));
        using var fs = Ext4FileSystem.Open(image);
        var errors = new List<Corruption>();
        var actual = new List<string>();
        foreach (var node in TreeWalker.Walk(fs, PathResolver.RootInode, "/", errors))
        {
            foreach (var x in XattrReader.ReadAll(fs, node.Inode, fs.ReadInode(node.Inode)))
            {
                if (x.Name == "system.data" || x.Name.StartsWith("security.", StringComparison.Ordinal)) continue;
                var value = x.Value;
                if (PosixAcl.IsAcl(x.NameIndex)) Assert.True(PosixAcl.TryToXattr(x.Value, out value), $"{node.Path}: bad ACL");
                actual.Add($"{node.Path}\t{x.Name}\t0x{Convert.ToHexStringLower(value)}");
            }
        }
        actual.Sort(StringComparer.Ordinal);
        Assert.Empty(errors);
        Assert.Equal(expected, actual);
    }
}
