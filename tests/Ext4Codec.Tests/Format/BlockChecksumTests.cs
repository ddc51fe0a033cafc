using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Format;

/// <summary>
/// Every inode, extent node, directory leaf, htree node and attribute block of clean images: with metadata_csum
/// the generated checksum code verifies what the kernel or e2fsprogs stored, agrees with a bitwise CRC
/// computed here from the kernel's definition, and the generated writers copy each structure byte for byte.
/// </summary>
public class BlockChecksumTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public static IEnumerable<object[]> CleanImages => CorpusChecksumTests.CleanImages;

    public static IEnumerable<object[]> KernelImages => RepoImages.All();

    [SkippableTheory]
    [MemberData(nameof(CleanImages))]
    public void E2fsprogs_images(string id)
    {
        Skip.If(id == E2fsCorpus.Absent, E2fsCorpus.SkipReason);
        using var image = E2fsCorpus.Extract(id);
        using var fs = Ext4FileSystem.Open(image.Path);
        output.WriteLine(VerifyAll(fs).ToString());
    }

    [Theory]
    [MemberData(nameof(KernelImages))]
    public void Kernel_written_images(string relativePath)
    {
        using var fs = Ext4FileSystem.Open(RepoImages.PathOf(relativePath));
        var counts = VerifyAll(fs);
        output.WriteLine(counts.ToString());
        if (fs.Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM)) Assert.True(counts.Inodes > 10 && counts.DirBlocks > 0);
    }

    public record struct Counts(int Inodes, int ExtentNodes, int DirBlocks, int DxNodes, int XattrBlocks);

    private static Counts VerifyAll(Ext4FileSystem fs)
    {
        bool csum = fs.Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM);
        var counts = new Counts();
        var seenXattr = new HashSet<ulong>();
        foreach (uint ino in InUseInodes.Of(fs))
        {
            var inode = fs.ReadInode(ino);
            counts.Inodes++;
            if (csum) Assert.True(inode.VerifyCsum(fs.ChecksumSeed, ino), $"inode {ino}");
            var inodeCopy = new byte[inode.Length];
            inode.CopyTo(new InodeWriter(inodeCopy));
            Assert.Equal(inode.Data.ToArray(), inodeCopy);
            uint seed = fs.InodeChecksumSeed(ino, inode.i_generation);
            if (inode.i_file_acl != 0 && seenXattr.Add(inode.i_file_acl))
            {
                CheckXattrBlock(fs, inode.i_file_acl, csum);
                counts.XattrBlocks++;
            }
            if (!BlockMapper.HasBlockMap(inode, fs.Geometry.ClusterSize)) continue;
            var map = MapCollector.Collect(fs, ino, inode);
            if ((inode.i_flags & Ext4InodeFlags.EXTENTS_FL) != 0)
            {
                foreach (ulong block in map.MapBlocks)
                {
                    CheckExtentNode(fs.ReadBlock(block), seed, csum, $"inode {ino} extent block {block}");
                    counts.ExtentNodes++;
                }
            }
            if (InodeFacts.Type(inode) != Ext4InodeType.S_IFDIR) continue;
            bool indexed = (inode.i_flags & Ext4InodeFlags.INDEX_FL) != 0;
            foreach (var run in map.Extents)
            {
                for (uint i = 0; i < run.Length && run.Logical + i < inode.i_size / fs.Geometry.BlockSize; i++)
                {
                    var block = fs.ReadBlock(run.Physical + i);
                    string where = $"inode {ino} dir block {run.Logical + i}";
                    bool root = indexed && run.Logical + i == 0;
                    bool node = indexed && !root && IsDxNode(block);
                    if (root) CheckDxRoot(block, seed, csum, where);
                    else if (node) CheckDxNode(block, seed, csum, where);
                    else CheckLeaf(block, seed, csum, where);
                    if (root || node) counts.DxNodes++;
                    else counts.DirBlocks++;
                }
            }
        }
        return counts;
    }

    /// <summary>The kernel's is_dx_internal_node: a fake entry with inode 0 spanning the whole block.</summary>
    private static bool IsDxNode(ReadOnlySpan<byte> block)
        => BinaryPrimitives.ReadUInt32LittleEndian(block) == 0 && BinaryPrimitives.ReadUInt16LittleEndian(block[4..]) == block.Length;

    private static void CheckExtentNode(ReadOnlySpan<byte> block, uint seed, bool csum, string where)
    {
        var header = new ExtentHeaderView(block);
        Assert.True(header.TryValidate(out _), where);
        var copy = new byte[12];
        header.CopyTo(new ExtentHeaderWriter(copy));
        Assert.Equal(block[..12].ToArray(), copy);
        for (int i = 0; i < header.eh_entries; i++)
        {
            var entry = block.Slice(12 + i * 12, 12);
            if (header.eh_depth == 0) new ExtentView(entry).CopyTo(new ExtentWriter(copy));
            else new ExtentIdxView(entry).CopyTo(new ExtentIdxWriter(copy));
            Assert.Equal(entry.ToArray(), copy);
        }
        if (!csum) return;
        int tail = 12 + 12 * header.eh_max;
        Assert.True(header.VerifyCsum(seed), where);
        Assert.Equal(ReferenceCrc.Crc32c(seed, block[..tail]), new ExtentTailView(block[tail..]).et_checksum);
    }

    private static void CheckLeaf(ReadOnlySpan<byte> block, uint seed, bool csum, string where)
    {
        if (!csum) return;
        var leaf = new DirLeafBlockView(block);
        Assert.True(leaf.det_tail.TryValidate(out _), where + ": no checksum tail");
        Assert.True(leaf.VerifyCsum(seed), where);
        Assert.Equal(ReferenceCrc.Crc32c(seed, block[..^12]), leaf.det_tail.det_checksum);
        var copy = new byte[12];
        leaf.det_tail.CopyTo(new DirEntryTailWriter(copy));
        Assert.Equal(block[^12..].ToArray(), copy);
    }

    private static void CheckDxRoot(ReadOnlySpan<byte> block, uint seed, bool csum, string where)
    {
        var root = new DxRootView(block);
        Assert.True(root.TryValidate(out _), where);
        var copy = new byte[DxRootView.Size];
        root.CopyTo(new DxRootWriter(copy));
        Assert.Equal(block[..DxRootView.Size].ToArray(), copy);
        if (csum) CheckDxTail(block, 0x20, root.count, root.limit, seed, root.VerifyCsum(seed), where);
    }

    private static void CheckDxNode(ReadOnlySpan<byte> block, uint seed, bool csum, string where)
    {
        var node = new DxNodeView(block);
        Assert.True(node.TryValidate(out _), where);
        var copy = new byte[DxNodeView.Size];
        node.CopyTo(new DxNodeWriter(copy));
        Assert.Equal(block[..DxNodeView.Size].ToArray(), copy);
        if (csum) CheckDxTail(block, 8, node.count, node.limit, seed, node.VerifyCsum(seed), where);
    }

    /// <summary>Kernel ext4_dx_csum: crc32c(seed, entries in use), then dt_reserved, then four zero bytes.</summary>
    private static void CheckDxTail(ReadOnlySpan<byte> block, int countOffset, int count, int limit, uint seed, bool verified, string where)
    {
        Assert.True(verified, where);
        int tail = countOffset + limit * 8;
        uint crc = ReferenceCrc.Crc32c(seed, block[..(countOffset + count * 8)]);
        crc = ReferenceCrc.Crc32c(crc, block.Slice(tail, 4));
        crc = ReferenceCrc.Crc32c(crc, stackalloc byte[4]);
        var dxTail = new DxTailView(block[tail..]);
        Assert.Equal(crc, dxTail.dt_checksum);
        var copy = new byte[DxTailView.Size];
        dxTail.CopyTo(new DxTailWriter(copy));
        Assert.Equal(block.Slice(tail, DxTailView.Size).ToArray(), copy);
    }

    private static void CheckXattrBlock(Ext4FileSystem fs, ulong blockNumber, bool csum)
    {
        var block = fs.ReadBlock(blockNumber);
        var header = new XattrHeaderView(block);
        Assert.True(header.TryValidate(out _), $"xattr block {blockNumber}");
        var copy = new byte[XattrHeaderView.Size];
        header.CopyTo(new XattrHeaderWriter(copy));
        Assert.Equal(block[..XattrHeaderView.Size].ToArray(), copy);
        var area = new Ext4Codec.Xattrs.XattrArea(block, XattrHeaderView.Size, 0, 0);
        Corruption error;
        while (area.MoveNext(out error))
        {
            var entry = block.Slice(area.EntryOffset, XattrEntryView.Size + area.Entry.e_name_len);
            var entryCopy = new byte[entry.Length];
            new XattrEntryView(entry).CopyTo(new XattrEntryWriter(entryCopy));
            Assert.Equal(entry.ToArray(), entryCopy);
        }
        Assert.Null(error.Reason);
        if (!csum) return;
        Assert.True(header.VerifyCsum(fs.ChecksumSeed, blockNumber), $"xattr block {blockNumber}");
        Span<byte> le = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(le, blockNumber);
        var zeroed = block.ToArray();
        zeroed.AsSpan(0x10, 4).Clear();
        Assert.Equal(ReferenceCrc.Crc32c(ReferenceCrc.Crc32c(fs.ChecksumSeed, le), zeroed), header.h_checksum);
    }
}
