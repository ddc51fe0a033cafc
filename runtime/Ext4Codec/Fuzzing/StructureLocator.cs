using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Ext4Codec.Directories;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Imaging;
using Ext4Codec.Journal;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// Finds the structure instances of a seed image by reading it with the library's own readers: superblock,
/// group descriptors, in-use inodes with their extent roots and in-inode xattrs, extent tree blocks, directory
/// leaves and entries, htree roots and nodes, xattr blocks, the MMP block, the jbd2 superblock, descriptor,
/// revoke and commit blocks, and every fast-commit record. Seeds are often corrupt on purpose: a part that
/// cannot be walked is noted and skipped, never fatal. Bounded: at most <see cref="MaxInodeSlots"/> inodes and
/// <see cref="MaxInstances"/> instances, so a hostile seed cannot make the map unbounded.
/// </summary>
public static class StructureLocator
{
    public const uint MaxInodeSlots = 8192;
    public const int MaxInstances = 50_000;
    private const int MaxGroups = 512;
    private const int MaxDirBlocks = 32;
    private const int MaxMapBlocks = 64;
    private const int MaxEntries = 64;
    private const int MaxFastCommitBlocks = 1024;
    private const uint XattrMagic = 0xEA020000;
    private const ushort ExtentMagic = 0xF30A;

    public static SeedMap Locate(DiskImage image)
    {
        var map = new SeedMap();
        if (!Ext4FileSystem.TryOpen(image, false, out var fs, out var error))
        {
            map.Notes.Add("no usable superblock: " + error.Reason);
            if (image.Length >= Ext4FileSystem.SuperBlockOffset + SuperBlockView.Size)
                Add(map, SuperBlockLayout.Instance, Ext4FileSystem.SuperBlockOffset, SuperBlockView.Size, "primary", Seal.None);
            map.Index();
            return map;
        }
        using (fs)
        {
            var g = fs.Geometry;
            map.BlockSize = g.BlockSize;
            map.ChecksumSeed = fs.ChecksumSeed;
            fs.SuperBlock.s_uuid.CopyTo(map.Uuid);
            map.MetadataCsum = g.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM);
            map.GdtCsum = !map.MetadataCsum && g.Has(Ext4FeatureRoCompat.RO_COMPAT_GDT_CSUM);
            AddBoundaries(map, g, (ulong)image.Length);
            Add(map, SuperBlockLayout.Instance, Ext4FileSystem.SuperBlockOffset, SuperBlockView.Size, "primary",
                map.MetadataCsum ? new Seal(SealKind.SuperBlock, Ext4FileSystem.SuperBlockOffset, SuperBlockView.Size) : Seal.None);
            Guard(map, "group descriptors", () => LocateGroups(fs, map));
            Guard(map, "inodes", () => LocateInodes(fs, map));
            Guard(map, "MMP block", () => LocateMmp(fs, map));
            Guard(map, "journal", () => LocateJournal(fs, map));
        }
        map.Index();
        return map;
    }

    private static void Guard(SeedMap map, string part, Action locate)
    {
        try
        {
            locate();
        }
        catch (CorruptDataException e)
        {
            map.Notes.Add(part + ": " + e.Message);
        }
    }

    private static bool Add(SeedMap map, StructLayout layout, long offset, int length, string where, Seal seal)
    {
        if (map.Instances.Count >= MaxInstances || length < layout.MinSize) return false;
        map.Instances.Add(new StructureInstance(layout, offset, length, where, seal));
        return true;
    }

    private static void AddBoundaries(SeedMap map, Geometry g, ulong imageLength)
    {
        ulong[] values = [g.BlockSize, g.BlocksCount, g.InodesCount, g.InodesPerGroup, g.BlocksPerGroup, g.GroupCount,
            g.InodeSize, g.DescBlocks, g.FirstInode, imageLength / g.BlockSize];
        foreach (ulong v in values)
            if (v != 0 && !map.Boundaries.Contains(v)) map.Boundaries.Add(v);
    }

    private static void LocateGroups(Ext4FileSystem fs, SeedMap map)
    {
        var kind = map.MetadataCsum || map.GdtCsum ? SealKind.GroupDesc : SealKind.None;
        uint groups = Math.Min(fs.Geometry.GroupCount, MaxGroups);
        int size = (int)fs.Geometry.DescSize;
        for (uint group = 0; group < groups; group++)
        {
            long at = fs.GroupDescriptorOffset(group);
            if (!fs.Image.TryRead(at, size, out _)) break;
            Add(map, GroupDescLayout.Instance, at, size, "group " + group, kind == SealKind.None ? Seal.None : new Seal(kind, at, size, 0, group));
        }
    }

    private static void LocateInodes(Ext4FileSystem fs, SeedMap map)
    {
        var g = fs.Geometry;
        uint last = Math.Min(g.InodesCount, MaxInodeSlots);
        int failures = 0;
        var xattrBlocks = new HashSet<ulong>();
        for (uint ino = 1; ino <= last && map.Instances.Count < MaxInstances; ino++)
        {
            long at;
            try
            {
                at = fs.InodeOffset(ino);
            }
            catch (CorruptDataException)
            {
                // A bad inode table location fails every inode of the group: stop after a run of them.
                if (++failures > 16) return;
                continue;
            }
            if (!fs.Image.TryRead(at, (int)g.InodeSize, out var bytes)) continue;
            if (bytes[..Math.Min(bytes.Length, 128)].IndexOfAnyExcept((byte)0) < 0) continue;
            failures = 0;
            var inode = new InodeView(bytes);
            var seal = map.MetadataCsum ? new Seal(SealKind.Inode, at, bytes.Length, 0, ino) : Seal.None;
            string where = "inode " + ino;
            Add(map, InodeLayout.Instance, at, bytes.Length, where, seal);
            LocateExtentRoot(map, inode, at, where, seal);
            LocateInodeXattrs(map, inode, at, where, seal);
            uint inodeSeed = fs.InodeChecksumSeed(ino, inode.i_generation);
            ulong acl = inode.i_file_acl;
            if (acl != 0 && xattrBlocks.Add(acl)) LocateXattrBlock(fs, map, acl);
            if (BlockMapper.HasBlockMap(inode, g.ClusterSize))
            {
                try
                {
                    LocateMappedBlocks(fs, map, ino, inode, inodeSeed);
                }
                catch (CorruptDataException e)
                {
                    if (map.Notes.Count < 64) map.Notes.Add(where + ": " + e.Message);
                }
            }
        }
    }

    private static void LocateExtentRoot(SeedMap map, InodeView inode, long at, string where, Seal seal)
    {
        if ((inode.i_flags & Ext4InodeFlags.EXTENTS_FL) == 0) return;
        int root = InodeLayout.Offsets.i_block;
        var header = inode.Data.Slice(root, ExtentHeaderView.Size);
        if (BinaryPrimitives.ReadUInt16LittleEndian(header) != ExtentMagic) return;
        Add(map, ExtentHeaderLayout.Instance, at + root, 60, where + " extent root", seal);
        AddExtentEntries(map, header, at + root, 60, where + " extent root", seal);
    }

    /// <summary>The ext4_extent or ext4_extent_idx entries after a node header (eh_depth says which).</summary>
    private static void AddExtentEntries(SeedMap map, ReadOnlySpan<byte> header, long at, int nodeLength, string where, Seal seal)
    {
        var h = new ExtentHeaderView(header);
        var layout = h.eh_depth == 0 ? ExtentLayout.Instance : ExtentIdxLayout.Instance;
        int entries = Math.Min(Math.Min((int)h.eh_entries, (nodeLength - 12) / 12), MaxEntries);
        for (int i = 0; i < entries; i++)
            Add(map, layout, at + 12 + 12 * i, 12, where + " entry " + i, seal);
    }

    private static void LocateInodeXattrs(SeedMap map, InodeView inode, long at, string where, Seal seal)
    {
        var data = inode.Data;
        if (data.Length <= 128 + 4) return;
        int start = 128 + inode.i_extra_isize;
        if (start + 4 > data.Length || BinaryPrimitives.ReadUInt32LittleEndian(data[start..]) != XattrMagic) return;
        Add(map, XattrIbodyHeaderLayout.Instance, at + start, 4, where + " xattrs", seal);
        AddXattrEntries(map, data, start + 4, at, where + " xattr", seal);
    }

    private static void LocateXattrBlock(Ext4FileSystem fs, SeedMap map, ulong block)
    {
        int bs = (int)fs.Geometry.BlockSize;
        if (block > (ulong)(fs.Image.Length / bs) || !fs.Image.TryRead((long)block * bs, bs, out var data)) return;
        if (BinaryPrimitives.ReadUInt32LittleEndian(data) != XattrMagic) return;
        long at = (long)block * bs;
        var seal = map.MetadataCsum ? new Seal(SealKind.XattrBlock, at, bs, 0, block) : Seal.None;
        string where = "xattr block " + block;
        Add(map, XattrHeaderLayout.Instance, at, bs, where, seal);
        AddXattrEntries(map, data, XattrHeaderView.Size, at, where, seal);
    }

    /// <summary>ext4_xattr_entry records from <paramref name="first"/> until the 4 zero bytes that end the list.</summary>
    private static void AddXattrEntries(SeedMap map, ReadOnlySpan<byte> data, int first, long baseOffset, string where, Seal seal)
    {
        int at = first;
        for (int i = 0; i < MaxEntries && at + XattrEntryView.Size <= data.Length; i++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(data[at..]) == 0) return;
            int length = (XattrEntryView.Size + data[at] + 3) & ~3;
            if (at + length > data.Length) return;
            Add(map, XattrEntryLayout.Instance, baseOffset + at, length, where + " entry " + i, seal);
            at += length;
        }
    }

    private static void LocateMappedBlocks(Ext4FileSystem fs, SeedMap map, uint ino, InodeView inode, uint inodeSeed)
    {
        var visitor = new MapVisitor(inode);
        BlockMapper.Walk(fs, ino, inode, ref visitor);
        int bs = (int)fs.Geometry.BlockSize;
        if (visitor.ExtentNodes is { } nodes)
        {
            foreach (ulong block in nodes)
            {
                long at = (long)block * bs;
                if (!fs.Image.TryRead(at, bs, out var data)) continue;
                var seal = map.MetadataCsum ? new Seal(SealKind.ExtentBlock, at, bs, inodeSeed, block) : Seal.None;
                string where = "extent block " + block + " (inode " + ino + ")";
                Add(map, ExtentHeaderLayout.Instance, at, bs, where, seal);
                AddExtentEntries(map, data, at, bs, where, seal);
            }
        }
        if (visitor.DirBlocks is { } dir)
        {
            bool indexed = (inode.i_flags & Ext4InodeFlags.INDEX_FL) != 0;
            foreach (var (logical, block) in dir) LocateDirBlock(fs, map, ino, inodeSeed, indexed, logical, block);
        }
    }

    private static void LocateDirBlock(Ext4FileSystem fs, SeedMap map, uint ino, uint inodeSeed, bool indexed, ulong logical, ulong block)
    {
        int bs = (int)fs.Geometry.BlockSize;
        long at = (long)block * bs;
        if (!fs.Image.TryRead(at, bs, out var data)) return;
        string where = "dir block " + block + " (inode " + ino + ")";
        Seal SealOf(SealKind kind) => map.MetadataCsum ? new Seal(kind, at, bs, inodeSeed, block) : Seal.None;
        bool fakeEntry = BinaryPrimitives.ReadUInt32LittleEndian(data) == 0 &&
                         DirBlockWalker.DecodeRecLen(BinaryPrimitives.ReadUInt16LittleEndian(data[4..]), (uint)bs) == bs;
        if (indexed && logical == 0)
        {
            var seal = SealOf(SealKind.DxRoot);
            Add(map, DxRootLayout.Instance, at, bs, where + " htree root", seal);
            AddDxEntries(map, data, 0x20, at, where + " htree root", seal);
            return;
        }
        if (indexed && fakeEntry)
        {
            var seal = SealOf(SealKind.DxNode);
            Add(map, DxNodeLayout.Instance, at, bs, where + " htree node", seal);
            AddDxEntries(map, data, 8, at, where + " htree node", seal);
            return;
        }
        var leaf = SealOf(SealKind.DirLeaf);
        Add(map, DirLeafBlockLayout.Instance, at, bs, where, leaf);
        var walker = new DirBlockWalker(data, at, fs.Geometry.InodesCount, (uint)bs);
        for (int i = 0; i < MaxEntries && walker.MoveNext(out _); i++)
        {
            // The checksum tail is a fake entry: the leaf layout's det_tail already declares it.
            if (IsTail(walker.Entry, walker.RecLen)) break;
            Add(map, DirEntry2Layout.Instance, walker.EntryImageOffset, walker.RecLen, where + " entry " + i, leaf);
        }
    }

    private static bool IsTail(DirEntry2View entry, int recLen)
        => entry.inode == 0 && recLen == DirEntryTailView.Size && entry.name_len == 0 && (byte)entry.file_type == 0xDE;

    /// <summary>dx_entry records 1..count-1 (entry 0 is the count/limit header the root or node layout declares).</summary>
    private static void AddDxEntries(SeedMap map, ReadOnlySpan<byte> data, int countAt, long at, string where, Seal seal)
    {
        if (countAt + 4 > data.Length) return;
        int count = Math.Min((int)BinaryPrimitives.ReadUInt16LittleEndian(data[(countAt + 2)..]), MaxEntries);
        for (int i = 1; i < count && countAt + 8 * (i + 1) <= data.Length; i++)
            Add(map, DxEntryLayout.Instance, at + countAt + 8 * i, 8, where + " entry " + i, seal);
    }

    private static void LocateMmp(Ext4FileSystem fs, SeedMap map)
    {
        if (!fs.Geometry.Has(Ext4FeatureIncompat.INCOMPAT_MMP)) return;
        ulong block = fs.SuperBlock.s_mmp_block;
        int bs = (int)fs.Geometry.BlockSize;
        if (block == 0 || block > (ulong)(fs.Image.Length / bs) || !fs.Image.TryRead((long)block * bs, bs, out _)) return;
        long at = (long)block * bs;
        Add(map, MmpBlockLayout.Instance, at, bs, "mmp block " + block, map.MetadataCsum ? new Seal(SealKind.MmpBlock, at, bs) : Seal.None);
    }

    private static void LocateJournal(Ext4FileSystem fs, SeedMap map)
    {
        if (!Jbd2Journal.TryOpen(fs, out var journal, out string problem))
        {
            if (fs.Geometry.Has(Ext4FeatureCompat.COMPAT_HAS_JOURNAL)) map.Notes.Add("journal: " + problem);
            return;
        }
        var g = journal.Geometry;
        map.JournalSeed = g.ChecksumSeed;
        map.JournalBlockSize = g.BlockSize;
        if (!map.Boundaries.Contains(g.MaxLen)) map.Boundaries.Add(g.MaxLen);
        long jsb = journal.Location.SuperblockOffset;
        if (jsb >= 0)
            Add(map, JournalSuperblockLayout.Instance, jsb, JournalSuperblockView.Size, "journal superblock", new Seal(SealKind.JournalSuperblock, jsb, JournalSuperblockView.Size));
        var store = journal.Store;
        var recovery = JournalScanner.Recover(store, g);
        var tagLayout = g.CsumV3 ? JournalBlockTag3Layout.Instance : JournalBlockTagLayout.Instance;
        foreach (var t in recovery.Transactions)
        {
            foreach (var (logBlock, type) in t.MetadataBlocks)
            {
                long at = store.OffsetOf(logBlock);
                if (at < 0 || !fs.Image.TryRead(at, g.BlockSize, out var data)) continue;
                string where = "journal block " + logBlock + " (tid " + t.Tid + ")";
                if (type == JournalBlockType.DESCRIPTOR_BLOCK)
                {
                    var seal = g.CsumV2OrV3 ? new Seal(SealKind.JournalDescriptor, at, g.BlockSize) : Seal.None;
                    Add(map, DescriptorBlockLayout.Instance, at, g.BlockSize, where, seal);
                    AddJournalTags(map, data, at, g, tagLayout, where, seal);
                }
                else if (type == JournalBlockType.REVOKE_BLOCK)
                {
                    Add(map, RevokeBlockLayout.Instance, at, g.BlockSize, where, g.CsumV2OrV3 ? new Seal(SealKind.JournalRevoke, at, g.BlockSize) : Seal.None);
                }
            }
            if (t.CommitLogBlock >= 0)
            {
                long at = store.OffsetOf((ulong)t.CommitLogBlock);
                if (at >= 0 && fs.Image.TryRead(at, g.BlockSize, out _))
                    Add(map, CommitHeaderLayout.Instance, at, g.BlockSize, "journal block " + t.CommitLogBlock + " (commit " + t.Tid + ")",
                        g.CsumV2OrV3 ? new Seal(SealKind.JournalCommit, at, g.BlockSize) : Seal.None);
            }
        }
        if (g.HasFastCommit) LocateFastCommits(fs, map, journal, recovery);
    }

    /// <summary>Block tags after a descriptor's header: each followed by a 16-byte UUID unless SAME_UUID, the list ended by LAST_TAG.</summary>
    private static void AddJournalTags(SeedMap map, ReadOnlySpan<byte> data, long at, JournalGeometry g, StructLayout tagLayout, string where, Seal seal)
    {
        var flags = tagLayout.Field("t_flags");
        int end = data.Length - g.TailSize;
        int pos = JournalHeaderView.Size;
        for (int i = 0; i < MaxEntries && pos + g.TagBytes <= end; i++)
        {
            var tag = data.Slice(pos, g.TagBytes);
            var tagFlags = (JournalTagFlags)flags.ReadRaw(tag);
            Add(map, tagLayout, at + pos, g.TagBytes, where + " tag " + i, seal);
            pos += g.TagBytes + ((tagFlags & JournalTagFlags.FLAG_SAME_UUID) != 0 ? 0 : 16);
            if ((tagFlags & JournalTagFlags.FLAG_LAST_TAG) != 0) return;
        }
    }

    private static void LocateFastCommits(Ext4FileSystem fs, SeedMap map, Jbd2Journal journal, JournalRecovery recovery)
    {
        var g = journal.Geometry;
        uint end = Math.Min(g.FcLast, g.FcFirst + MaxFastCommitBlocks);
        for (uint block = g.FcFirst; block < end; block++)
        {
            long at = journal.Store.OffsetOf(block);
            if (at < 0 || !fs.Image.TryRead(at, g.BlockSize, out _)) break;
            map.FastCommitBlocks.Add(at);
        }
        var scan = FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize);
        foreach (var r in scan.Records)
        {
            long at = journal.Store.OffsetOf(r.JournalBlock);
            if (at < 0) continue;
            at += r.Offset;
            string where = "fc block " + r.JournalBlock + "+" + r.Offset;
            var seal = new Seal(SealKind.FastCommit, at, FcTlView.Size + r.Length);
            Add(map, FcTlLayout.Instance, at, FcTlView.Size, where, seal);
            var value = ValueLayout(r.Tag);
            if (value is not null) Add(map, value, at + FcTlView.Size, r.Length, where + " " + r.Tag, seal);
        }
    }

    private static StructLayout? ValueLayout(FcTag tag)
    {
        foreach (var t in FcTagInfo.Layout.Tags)
            if (t.Value == (ulong)tag) return t.ValueStruct.Length == 0 ? null : SpecCatalog.FindStruct(t.ValueStruct);
        return null;
    }

    /// <summary>Collects extent tree blocks below the root and a directory's first data blocks, without boxing.</summary>
    private struct MapVisitor(InodeView inode) : IBlockMapVisitor
    {
        private readonly bool _extents = (inode.i_flags & Ext4InodeFlags.EXTENTS_FL) != 0;
        private readonly bool _directory = InodeFacts.Type(inode) == Ext4InodeType.S_IFDIR;

        public List<ulong>? ExtentNodes;
        public List<(ulong Logical, ulong Block)>? DirBlocks;

        public bool OnMapBlock(ulong block, int levelsBelow, ReadOnlySpan<byte> data)
        {
            if (!_extents) return true;
            ExtentNodes ??= [];
            if (ExtentNodes.Count < MaxMapBlocks) ExtentNodes.Add(block);
            return true;
        }

        public bool OnExtent(in ExtentRecord extent)
        {
            // Only extent nodes matter beyond directories: stop early for block-mapped files.
            if (!_directory) return _extents && (ExtentNodes is null || ExtentNodes.Count < MaxMapBlocks);
            DirBlocks ??= [];
            for (uint i = 0; i < extent.Length && DirBlocks.Count < MaxDirBlocks; i++)
                DirBlocks.Add((extent.Logical + i, extent.Physical + i));
            return DirBlocks.Count < MaxDirBlocks;
        }
    }
}
