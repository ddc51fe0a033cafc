using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Ext4Codec.Directories;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Checking;

/// <summary>
/// Pass 2 (e2fsck/pass2.c check_dir_block): every directory block's entries — structure (a corrupt entry
/// stops e2fsck -n: "Salvage? no" aborts), "." and "..", the inode each names (range, in use, file type),
/// hard links to directories — while counting every name each inode has for pass 4 and each directory's
/// parent and ".." for pass 3.
/// </summary>
internal static class DirectoryPass
{
    private const int MinRecLen = 12;

    public static void Run(CheckContext ctx, List<DirBlock> blocks)
    {
        var names = new NameSet();
        uint seedOf = 0, seed = 0;
        foreach (var b in blocks)
        {
            if (ctx.InodeBad[b.Ino]) continue;
            names.Clear(ctx.DirsToRehash.Contains(b.Ino));
            if (b.Physical == 0)
            {
                CheckInline(ctx, b.Ino, names);
                continue;
            }
            // A directory's blocks come together: its checksum seed is read once.
            if (ctx.MetadataCsum && seedOf != b.Ino)
            {
                seedOf = b.Ino;
                seed = ctx.Fs.InodeChecksumSeed(b.Ino, ctx.Fs.ReadInode(b.Ino).i_generation);
            }
            CheckBlock(ctx, b, names, seed);
        }
    }

    private static void CheckBlock(CheckContext ctx, DirBlock b, NameSet names, uint seed)
    {
        var g = ctx.Geometry;
        if (!ctx.Fs.Image.TryRead((long)b.Physical * g.BlockSize, (int)g.BlockSize, out var data))
        {
            ctx.Report("PR_2_READ_DIRBLOCK", 2, $"cannot read directory block {b.Physical} of inode {b.Ino}", ino: b.Ino, block: b.Physical);
            return;
        }
        bool failedCsum = ctx.MetadataCsum && !DirBlockChecksumHolds(seed, data);
        var dx = HtreeCheck.Classify(ctx, b.Ino, b.Logical, data, out bool isLeaf);
        if (isLeaf && failedCsum && !HasTail(data))
        {
            ctx.Report("PR_2_LEAF_NODE_MISSING_CSUM", 2, $"directory inode {b.Ino}, block #{b.Logical}: directory has no checksum", ino: b.Ino, block: b.Physical);
            failedCsum = false;
        }
        // A metadata_csum leaf ends in a 12-byte entry with inode 0 (ext4_dir_entry_tail): it walks as an unused entry.
        var leaf = dx is not null && isLeaf ? dx : null;
        Walk(ctx, b.Ino, data, (long)b.Physical * g.BlockSize, b.Logical == 0, b.Physical, names, leaf, b.Logical);
        if (dx is not null && !isLeaf) HtreeCheck.ParseNode(ctx, b.Ino, dx, b.Logical, data, failedCsum, b.Physical);
        else if (isLeaf && failedCsum)
            ctx.Report("PR_2_LEAF_NODE_ONLY_CSUM_INVALID", 2, $"directory inode {b.Ino}, block #{b.Logical}: directory passes checks but fails checksum", ino: b.Ino, block: b.Physical);
    }

    /// <summary>ext2fs_dir_block_csum_verify: a leaf's tail checksum, or an htree node's; a block with neither fails.</summary>
    private static bool DirBlockChecksumHolds(uint seed, ReadOnlySpan<byte> data)
    {
        if (HasTail(data)) return new DirLeafBlockView(data).VerifyCsum(seed);
        int countOffset = DxCountOffset(data);
        if (countOffset < 0) return false;
        int limit = BinaryPrimitives.ReadUInt16LittleEndian(data[countOffset..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(data[(countOffset + 2)..]);
        int sane = (data.Length - countOffset) / 8;
        if (limit > sane || count > sane || countOffset + limit * 8 > data.Length - 8) return false;
        return countOffset == 8 ? new DxNodeView(data).VerifyCsum(seed) : new DxRootView(data).VerifyCsum(seed);
    }

    /// <summary>__get_dirent_tail: the entries' rec_len chain ends exactly at a well-formed 12-byte tail.</summary>
    private static bool HasTail(ReadOnlySpan<byte> data)
    {
        int top = data.Length - 12, at = 0;
        while (at < top)
        {
            int recLen = DirBlockWalker.DecodeRecLen(BinaryPrimitives.ReadUInt16LittleEndian(data[(at + 4)..]), (uint)data.Length);
            if (recLen < 8 || (recLen & 3) != 0) return false;
            at += recLen;
        }
        return at == top && BinaryPrimitives.ReadUInt32LittleEndian(data[top..]) == 0
            && BinaryPrimitives.ReadUInt16LittleEndian(data[(top + 4)..]) == 12 && BinaryPrimitives.ReadUInt16LittleEndian(data[(top + 6)..]) == 0xDE00;
    }

    /// <summary>__get_dx_countlimit: where an htree node's count/limit header starts (8 in a node, 32 in a root), or -1.</summary>
    private static int DxCountOffset(ReadOnlySpan<byte> data)
    {
        int recLen = DirBlockWalker.DecodeRecLen(BinaryPrimitives.ReadUInt16LittleEndian(data[4..]), (uint)data.Length);
        if (recLen == data.Length && BinaryPrimitives.ReadUInt16LittleEndian(data[6..]) == 0) return 8;
        if (recLen != 12) return -1;
        if (DirBlockWalker.DecodeRecLen(BinaryPrimitives.ReadUInt16LittleEndian(data[16..]), (uint)data.Length) != data.Length - 12) return -1;
        var root = new DxRootInfoView(data.Slice(24, 8));
        return root.reserved_zero == 0 && root.info_length == 8 ? 32 : -1;
    }

    private static void CheckInline(CheckContext ctx, uint ino, NameSet names)
    {
        var inode = ctx.Fs.ReadInode(ino);
        long inodeOffset = ctx.Fs.InodeOffset(ino);
        var area = inode.Data.Slice(InodeLayout.Offsets.i_block, 60);
        uint parent = BinaryPrimitives.ReadUInt32LittleEndian(area);
        Count(ctx, ino);
        SetDotDot(ctx, ino, parent);
        Count(ctx, parent);
        Walk(ctx, ino, area[4..], inodeOffset + InodeLayout.Offsets.i_block + 4, false, null, names, null, 0);
        var tail = InodeContent.InlineTail(inode, inodeOffset);
        if (!tail.IsEmpty)
        {
            names.Clear(ctx.DirsToRehash.Contains(ino));
            Walk(ctx, ino, tail, inodeOffset, false, null, names, null, 0);
        }
    }

    /// <param name="dx">The indexed directory when this block is one of its leaves: each name widens the block's hash range.</param>
    private static void Walk(CheckContext ctx, uint dir, ReadOnlySpan<byte> data, long imageOffset, bool firstBlock, ulong? block,
        NameSet names, DxDir? dx, ulong logical)
    {
        var g = ctx.Geometry;
        int dotState = firstBlock ? 0 : 2;
        for (int offset = 0; offset < data.Length;)
        {
            if (data.Length - offset < 8)
            {
                Corrupted(ctx, dir, block, imageOffset + offset, offset);
                return;
            }
            var entry = new DirEntry2View(data[offset..]);
            int recLen = DirBlockWalker.DecodeRecLen(entry.rec_len, g.BlockSize);
            int nameLen = entry.name_len;
            if (offset + recLen > data.Length || recLen < MinRecLen || recLen % 4 != 0 || ((nameLen + 8 + 3) & ~3) > recLen)
            {
                Corrupted(ctx, dir, block, imageOffset + offset, offset);
                return;
            }
            var name = data.Slice(offset + 8, nameLen);
            uint ino = entry.inode;
            long at = imageOffset + offset;
            if (dotState == 0) CheckDot(ctx, dir, entry, data[offset..], at);
            else if (dotState == 1) CheckDotDot(ctx, dir, entry, name, data[offset..], at);
            else if (ino == dir) ctx.Report("PR_2_LINK_DOT", 2, $"directory inode {dir}: entry '{Text(name)}' is a link to '.'", ino: dir, offset: at);
            if (ino != 0 && CheckEntry(ctx, dir, entry, name, at, dotState))
            {
                if (dx is not null) HtreeCheck.AddName(ctx, dx, logical, name);
                // e2fsck keeps a dictionary of each block's names: the first repeat marks the directory for pass 3A.
                if (names.AddIsRepeat(name))
                {
                    ctx.Report("PR_2_REPORT_DUP_DIRENT", 2, $"duplicate entry '{Text(name)}' found; marking {dir} to be rebuilt", ino: dir, offset: at, counts: false);
                    ctx.DirsToRehash.Add(dir);
                    names.Clear(true);
                }
            }
            if (dotState < 2) dotState++;
            offset += recLen;
        }
    }

    /// <summary>check_dot: the first entry must be '.' (NUL after the name) naming the directory itself; a longer one could be split.</summary>
    private static void CheckDot(CheckContext ctx, uint dir, DirEntry2View entry, ReadOnlySpan<byte> raw, long at)
    {
        uint ino = entry.inode;
        if (ino == 0) ctx.Report("PR_2_MISSING_DOT", 2, $"directory inode {dir}: missing '.' in the first block", ino: dir, offset: at);
        else if (entry.name_len != 1 || raw[8] != '.') ctx.Report("PR_2_1ST_NOT_DOT", 2, $"directory inode {dir}: the first entry is not '.'", ino: dir, offset: at);
        else if (raw.Length > 9 && raw[9] != 0) ctx.Report("PR_2_DOT_NULL_TERM", 2, $"directory inode {dir}: '.' is not NUL-terminated", ino: dir, offset: at);
        if (ino != dir) ctx.Report("PR_2_BAD_INODE_DOT", 2, $"directory inode {dir}: '.' points at inode {ino}", ino: dir, offset: at);
        int recLen = DirBlockWalker.DecodeRecLen(entry.rec_len, ctx.Geometry.BlockSize);
        if (recLen > 12 && recLen - 12 > 12)
            ctx.Report("PR_2_SPLIT_DOT", 2, $"directory inode {dir}: '.' is {recLen} bytes and could be split", ino: dir, offset: at, counts: false);
    }

    /// <summary>check_dotdot: the second entry must be '..' (NUL after the name); it records what '..' names for pass 3.</summary>
    private static void CheckDotDot(CheckContext ctx, uint dir, DirEntry2View entry, ReadOnlySpan<byte> name, ReadOnlySpan<byte> raw, long at)
    {
        uint ino = entry.inode;
        if (ino == 0) ctx.Report("PR_2_MISSING_DOT_DOT", 2, $"directory inode {dir}: missing '..' in the first block", ino: dir, offset: at);
        else if (name.Length != 2 || name[0] != '.' || name[1] != '.') ctx.Report("PR_2_2ND_NOT_DOT_DOT", 2, $"directory inode {dir}: the second entry is not '..'", ino: dir, offset: at);
        else if (raw.Length > 10 && raw[10] != 0) ctx.Report("PR_2_DOT_DOT_NULL_TERM", 2, $"directory inode {dir}: '..' is not NUL-terminated", ino: dir, offset: at);
        else SetDotDot(ctx, dir, ino);
    }

    /// <summary>
    /// check_dir_block's checks of an entry that names an inode ("." and ".." included, <paramref name="dotState"/> 0
    /// and 1): false when e2fsck moves on to the next entry without counting this one (a bad inode number).
    /// </summary>
    private static bool CheckEntry(CheckContext ctx, uint dir, DirEntry2View entry, ReadOnlySpan<byte> name, long at, int dotState)
    {
        var g = ctx.Geometry;
        var sb = ctx.Fs.SuperBlock;
        uint ino = entry.inode;
        string? problem = null, what = null;
        if ((ino != 2 && ino < g.FirstInode) || ino > g.InodesCount || ino == sb.s_usr_quota_inum || ino == sb.s_grp_quota_inum
            || ino == sb.s_prj_quota_inum || ino == sb.s_orphan_file_inum)
            (problem, what) = ("PR_2_BAD_INO", $"entry '{Text(name)}' has bad inode #{ino}");
        else if (dotState > 1 && name.Length == 1 && name[0] == '.') (problem, what) = ("PR_2_DUP_DOT", "a second '.' entry");
        else if (dotState > 1 && name.Length == 2 && name[0] == '.' && name[1] == '.') (problem, what) = ("PR_2_DUP_DOT_DOT", "a second '..' entry");
        else if (dotState > 1 && ino == 2) (problem, what) = ("PR_2_LINK_ROOT", $"entry '{Text(name)}' is a link to the root inode");
        else if (dotState > 1 && name.Length == 0) (problem, what) = ("PR_2_NULL_NAME", "entry with an empty name");
        if (problem is not null)
        {
            ctx.Report(problem, 2, $"directory inode {dir}: {what}", ino: dir, offset: at);
            if (problem == "PR_2_BAD_INO") return false;
        }
        if (ctx.InodeBadMap[ino]) BadInodes.Process(ctx, ino, dir, at);
        if (!ctx.InodeUsed[ino]) (problem, what) = ("PR_2_UNUSED_INODE", $"entry '{Text(name)}' has deleted/unused inode {ino}");
        // A problem found before is asked again here, as check_dir_block asks it a second time.
        if (problem is not null) ctx.Report(problem, 2, $"directory inode {dir}: {what}", ino: dir, offset: at);
        CheckFileType(ctx, dir, entry, name, at);
        if (name.IndexOfAny((byte)'/', (byte)0) >= 0) ctx.Report("PR_2_BAD_NAME", 2, $"directory inode {dir}: entry '{Text(name)}' has illegal characters", ino: dir, offset: at);
        if (dotState > 1 && ctx.InodeDir[ino] && ctx.Dirs.ContainsKey(ino))
        {
            ref var info = ref CollectionsMarshal.GetValueRefOrNullRef(ctx.Dirs, ino);
            if (info.Parent != 0) ctx.Report("PR_2_LINK_DIR", 2, $"entry '{Text(name)}' in {dir} is a link to directory {ino}, already in {info.Parent}", ino: dir, offset: at);
            else info.Parent = dir;
        }
        Count(ctx, ino);
        return true;
    }

    private static void CheckFileType(CheckContext ctx, uint dir, DirEntry2View entry, ReadOnlySpan<byte> name, long at)
    {
        var g = ctx.Geometry;
        byte stored = (byte)entry.file_type;
        // The Hurd keeps a translator word where Linux keeps the file type; e2fsck clears filetype there instead.
        if (ctx.Hurd) return;
        if (!g.Has(Ext4FeatureIncompat.INCOMPAT_FILETYPE))
        {
            if (stored != 0) ctx.Report("PR_2_CLEAR_FILETYPE", 2, $"entry '{Text(name)}' in {dir} has filetype set without the filetype feature", ino: dir, offset: at);
            return;
        }
        uint ino = entry.inode;
        var expectedType = ctx.InodeBadMap[ino] && !ctx.InodeDir[ino] && ctx.FileType[ino] != Ext4FileType.FT_REG_FILE ? Ext4FileType.FT_UNKNOWN : ctx.FileType[ino];
        // Types not known from pass 1's maps are read from the inode again, and a read whose checksum fails is fatal.
        if (expectedType is not (Ext4FileType.FT_DIR or Ext4FileType.FT_REG_FILE) && !ctx.InodeBadMap[ino] && ctx.InodeCsumFailed[ino])
        {
            ctx.Report("PR_2_READ_INODE", 2, $"ext2fs_read_inode: inode checksum does not match inode while reading inode {ino} in check_filetype", ino: ino, offset: at, counts: false);
            throw ctx.Abort($"inode {ino} fails its checksum where pass 2 reads it again (check_filetype)");
        }
        byte expected = (byte)expectedType;
        if (stored == expected) return;
        // A missing type is filled in silently (PR_2_SET_FILETYPE: no prompt, and -n does not count it).
        if (stored == 0)
            ctx.Report("PR_2_SET_FILETYPE", 2, $"setting filetype for entry '{Text(name)}' in {dir} (inode {entry.inode}) to {expected}", ino: dir, offset: at, counts: false);
        else
            ctx.Report("PR_2_BAD_FILETYPE", 2, $"entry '{Text(name)}' in {dir} (inode {entry.inode}) has file type {stored}, should be {expected}", ino: dir, offset: at);
    }

    private static void Corrupted(CheckContext ctx, uint dir, ulong? block, long at, int offset)
    {
        ctx.Report("PR_2_DIR_CORRUPTED", 2, $"directory inode {dir}, offset {offset}: directory corrupted", ino: dir, block: block, offset: at);
        throw ctx.Abort($"directory inode {dir} is corrupted and e2fsck -n does not salvage it");
    }

    private static void Count(CheckContext ctx, uint ino)
    {
        if (ino < (uint)ctx.LinksFound.Length) ctx.LinksFound[ino]++;
    }

    private static void SetDotDot(CheckContext ctx, uint dir, uint dotdot)
    {
        ref var info = ref CollectionsMarshal.GetValueRefOrNullRef(ctx.Dirs, dir);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref info)) info.DotDot = dotdot;
    }

    private static string Text(ReadOnlySpan<byte> name) => NameText.Escape(name);
}
