using System;
using System.Buffers.Binary;
using Ext4Codec.Directories;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Checking;

/// <summary>
/// e2fsck's htree checks: the root's fields in pass 1 (handle_htree), each block's role, index entries and
/// name hash range in pass 2 (check_dir_block, parse_int_node), and the tree's shape once every block is seen
/// (the dx_dir loop at the end of e2fsck_pass2). With -n no index is cleared, so every directory flagged
/// INDEX_FL is followed to the end; PROMPT_NONE reports (min/max hash, depth, references) do not count, the
/// "Clear HTree index? no" that follows them does.
/// </summary>
internal static class HtreeCheck
{
    private const int HtreeLevelCompat = 2;
    private const int HtreeLevel = 3;
    private const byte HashFlagIncompat = 0x1;
    private const int MaxDepth = 32000;
    private const uint BlockMask = 0x0FFFFFFF;

    /// <summary>handle_htree, then e2fsck_add_dx_dir with the directory's logical size in blocks.</summary>
    /// <param name="rootBlock">Physical block of logical block 0, or 0 when unmapped.</param>
    public static void Pass1(CheckContext ctx, uint ino, InodeView inode, ulong rootBlock, long lastBlock)
    {
        var g = ctx.Geometry;
        if (InodeFacts.Type(inode) != Ext4InodeType.S_IFDIR)
        {
            ctx.Report("PR_1_HTREE_NODIR", 1, $"inode {ino} has INDEX_FL set but is not a directory", ino: ino);
            return;
        }
        if (!g.Has(Ext4FeatureCompat.COMPAT_DIR_INDEX))
            ctx.Report("PR_1_HTREE_SET", 1, $"inode {ino} has INDEX_FL set on a filesystem without htree support", ino: ino);
        ulong numBlocks = (ulong)(lastBlock + 1);
        // e2fsck allocates numblocks entries; a directory cannot have more blocks than the filesystem.
        if (numBlocks > g.BlocksCount) return;
        var dir = new DxDir((uint)numBlocks, (inode.i_flags & Ext4InodeFlags.CASEFOLD_FL) != 0);
        ctx.DxDirs[ino] = dir;
        if (rootBlock == 0 || !ctx.IsValidBlock(rootBlock) || !ctx.Fs.Image.TryRead((long)rootBlock * g.BlockSize, (int)g.BlockSize, out var block) || block.Length < 32)
        {
            ctx.Report("PR_1_HTREE_BADROOT", 1, $"HTREE directory inode {ino} has an invalid root node", ino: ino);
            return;
        }
        var root = new DxRootInfoView(block.Slice(24, 8));
        if (root.reserved_zero != 0 || root.info_length < 8)
            ctx.Report("PR_1_HTREE_BADROOT", 1, $"HTREE directory inode {ino} has an invalid root node", ino: ino, block: rootBlock);
        byte version = (byte)root.hash_version;
        if (version is not (0 or 1 or 2 or 6))
            ctx.Report("PR_1_HTREE_HASHV", 1, $"HTREE directory inode {ino} has an unsupported hash version ({version})", ino: ino, block: rootBlock);
        bool hashInDirent = (inode.i_flags & Ext4InodeFlags.CASEFOLD_FL) != 0 && (inode.i_flags & Ext4InodeFlags.ENCRYPT_FL) != 0;
        if (hashInDirent && version != 6)
            ctx.Report("PR_1_HTREE_NEEDS_SIPHASH", 1, $"HTREE directory inode {ino} uses hash version ({version}), but should use SipHash", ino: ino, block: rootBlock);
        else if (!hashInDirent && version == 6)
            ctx.Report("PR_1_HTREE_CANNOT_SIPHASH", 1, $"HTREE directory inode {ino} uses SipHash, but should not", ino: ino, block: rootBlock);
        if ((root.unused_flags & HashFlagIncompat) != 0)
            ctx.Report("PR_1_HTREE_INCOMPAT", 1, $"HTREE directory inode {ino} uses an incompatible htree root node flag", ino: ino, block: rootBlock);
        int levels = root.indirect_levels;
        if (levels > HtreeLevel)
            ctx.Report("PR_1_HTREE_DEPTH", 1, $"HTREE directory inode {ino} has a tree depth ({levels}) which is too big", ino: ino, block: rootBlock);
        if (levels > MaxLevels(ctx) && !g.Has(Ext4FeatureIncompat.INCOMPAT_LARGEDIR))
        {
            // Only "maybe" too deep: without large_dir it is too deep unless the directory is as big as a full 2-level tree.
            int blockBits = g.LogBlockSize + 10;
            ulong perBlock = 1UL << (blockBits - 3);
            ulong full = (perBlock - 1) * (perBlock - 2);
            if (inode.i_size < full << blockBits && inode.i_blocks < full << (blockBits - 9))
                ctx.Report("PR_1_HTREE_DEPTH", 1, $"HTREE directory inode {ino} has a tree depth ({levels}) which is too big", ino: ino, block: rootBlock);
        }
        if (levels > HtreeLevelCompat || inode.i_size >= 1UL << 31) ctx.LargeDirs++;
    }

    /// <summary>ext2_dir_htree_level: 3 levels with large_dir, else 2.</summary>
    private static int MaxLevels(CheckContext ctx) => ctx.Geometry.Has(Ext4FeatureIncompat.INCOMPAT_LARGEDIR) ? HtreeLevel : HtreeLevelCompat;

    /// <summary>
    /// The role of a directory block of an indexed directory (root, interior node or leaf), checked as
    /// check_dir_block does before walking its entries. Null for blocks of directories without an index.
    /// </summary>
    public static DxDir? Classify(CheckContext ctx, uint ino, ulong logical, ReadOnlySpan<byte> data, out bool isLeaf)
    {
        isLeaf = true;
        if (!ctx.DxDirs.TryGetValue(ino, out var dir) || dir.NumBlocks == 0) return null;
        if (logical >= dir.NumBlocks)
        {
            ctx.Report("PR_2_UNEXPECTED_HTREE_BLOCK", 2, $"unexpected block {logical} in HTREE directory inode {ino}", ino: ino);
            throw ctx.Abort("Can not continue.");
        }
        ref var db = ref dir.Blocks[logical];
        db.Type = DxBlockType.Leaf;
        db.MinHash = uint.MaxValue;
        db.MaxHash = 0;
        int blockSize = data.Length;
        if (logical == 0)
        {
            var root = new DxRootInfoView(data.Slice(24, 8));
            db.Type = DxBlockType.Root;
            db.Flags |= DxFlags.First | DxFlags.Last;
            if (root.reserved_zero != 0 || root.info_length < 8 || root.indirect_levels >= MaxLevels(ctx))
                ctx.Report("PR_2_HTREE_BAD_ROOT", 2, $"problem in HTREE directory inode {ino}: root node is invalid", ino: ino);
            dir.HashVersion = DxHash.Effective(root.hash_version, ctx.Fs.SuperBlock.s_flags);
            dir.Depth = root.indirect_levels + 1;
        }
        else
        {
            int dxCsum = ctx.MetadataCsum ? 8 : 0;
            int recLen = DirBlockWalker.DecodeRecLen(BinaryPrimitives.ReadUInt16LittleEndian(data[4..]), (uint)blockSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(data) == 0 && recLen == blockSize && data[6] == 0
                && BinaryPrimitives.ReadUInt16LittleEndian(data[8..]) == (blockSize - (8 + dxCsum)) / 8)
                db.Type = DxBlockType.Node;
        }
        isLeaf = db.Type == DxBlockType.Leaf;
        return dir;
    }

    /// <summary>A name in a leaf: widens the block's hash range (ext2fs_dirhash2 with the root's hash version).</summary>
    public static void AddName(CheckContext ctx, DxDir dir, ulong logical, ReadOnlySpan<byte> name)
    {
        // Casefolded names hash after folding, SipHash names carry their hash: neither is computed here.
        if (dir.Casefolded || !DxHash.IsSupported(dir.HashVersion)) return;
        uint hash = DxHash.Compute(name, dir.HashVersion, ctx.HashSeed).Hash;
        ref var db = ref dir.Blocks[logical];
        if (hash < db.MinHash) db.MinHash = hash;
        if (hash > db.MaxHash) db.MaxHash = hash;
    }

    /// <summary>parse_int_node: the count/limit header and each index entry of a root or interior node.</summary>
    public static void ParseNode(CheckContext ctx, uint ino, DxDir dir, ulong logical, ReadOnlySpan<byte> data, bool failedCsum, ulong physical)
    {
        int entries;
        if (logical == 0)
        {
            entries = 24 + new DxRootInfoView(data.Slice(24, 8)).info_length;
            if (failedCsum) ctx.Report("PR_2_HTREE_ROOT_CSUM_INVALID", 2, $"problem in HTREE directory inode {ino}: root node fails checksum", ino: ino, block: physical);
        }
        else
        {
            entries = 8;
            if (failedCsum) ctx.Report("PR_2_HTREE_NODE_CSUM_INVALID", 2, $"problem in HTREE directory inode {ino}: internal node fails checksum", ino: ino, block: physical);
        }
        if (entries + 4 > data.Length) return;
        int count = BinaryPrimitives.ReadUInt16LittleEndian(data[(entries + 2)..]);
        int limit = BinaryPrimitives.ReadUInt16LittleEndian(data[entries..]);
        int expectLimit = (data.Length - ((ctx.MetadataCsum ? 8 : 0) + entries)) / 8;
        if (limit != expectLimit)
            ctx.Report("PR_2_HTREE_BAD_LIMIT", 2, $"problem in HTREE directory inode {ino}: block #{logical} has invalid limit ({limit})", ino: ino, block: physical);
        if (count > expectLimit)
        {
            ctx.Report("PR_2_HTREE_BAD_COUNT", 2, $"problem in HTREE directory inode {ino}: block #{logical} has invalid count ({count})", ino: ino, block: physical);
            count = expectLimit;
        }
        uint minHash = uint.MaxValue, maxHash = 0, hash = 0;
        for (int i = 0; i < count; i++)
        {
            var entry = data.Slice(entries + i * 8, 8);
            uint prevHash = hash;
            hash = i == 0 ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(entry) & ~1u;
            uint child = BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]) & BlockMask;
            if (child >= dir.NumBlocks)
            {
                ctx.Report("PR_2_HTREE_BADBLK", 2, $"problem in HTREE directory inode {ino}: bad block number {child}", ino: ino, block: physical);
                continue;
            }
            if (hash < prevHash)
                ctx.Report("PR_2_HTREE_HASH_ORDER", 2, $"problem in HTREE directory inode {ino}: block #{logical} has an unordered hash table", ino: ino, block: physical);
            ref var db = ref dir.Blocks[child];
            if ((db.Flags & DxFlags.Referenced) != 0) db.Flags |= DxFlags.DupRef;
            else
            {
                db.Flags |= DxFlags.Referenced;
                db.Parent = (uint)logical;
            }
            db.Previous = i == 0 ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(data[(entries + (i - 1) * 8 + 4)..]) & BlockMask;
            if (hash < minHash) minHash = hash;
            if (hash > maxHash) maxHash = hash;
            db.NodeMinHash = hash;
            if (i + 1 < count) db.NodeMaxHash = BinaryPrimitives.ReadUInt32LittleEndian(data[(entries + (i + 1) * 8)..]) & ~1u;
            else
            {
                db.NodeMaxHash = 0xFFFFFFFE;
                db.Flags |= DxFlags.Last;
            }
            if (i == 0) db.Flags |= DxFlags.First;
        }
        ref var self = ref dir.Blocks[logical];
        self.MinHash = minHash;
        self.MaxHash = maxHash;
    }

    /// <summary>The end of pass 2: every block of every index referenced once, at the tree's depth, inside its parent's hash range.</summary>
    public static void Finish(CheckContext ctx)
    {
        foreach (var (ino, dir) in ctx.DxDirs)
        {
            if (dir.NumBlocks == 0) continue;
            var blocks = dir.Blocks;
            if ((blocks[0].Flags & DxFlags.Referenced) != 0) blocks[0].Flags |= DxFlags.DupRef;
            else blocks[0].Flags |= DxFlags.Referenced;
            UpdateParents(blocks, DxBlockType.Leaf);
            UpdateParents(blocks, DxBlockType.Node);
            bool bad = false;
            for (uint b = 0; b < dir.NumBlocks; b++)
            {
                ref var db = ref blocks[b];
                if ((db.Flags & DxFlags.First) == 0 && db.MinHash < db.NodeMinHash)
                    bad = Note(ctx, "PR_2_HTREE_MIN_HASH", ino, $"block #{b} has bad min hash");
                if (db.Type == DxBlockType.Leaf)
                {
                    int depth = Depth(blocks, b);
                    if (depth != dir.Depth) bad = Note(ctx, "PR_2_HTREE_BAD_DEPTH", ino, $"block #{b} has invalid depth ({dir.Depth})");
                }
                if (b != 0 && db.MaxHash > db.NodeMaxHash) bad = Note(ctx, "PR_2_HTREE_MAX_HASH", ino, $"block #{b} has bad max hash");
                if ((db.Flags & DxFlags.Referenced) == 0) bad = Note(ctx, "PR_2_HTREE_NOTREF", ino, $"block #{b} not referenced");
                else if ((db.Flags & DxFlags.DupRef) != 0) bad = Note(ctx, "PR_2_HTREE_DUPREF", ino, $"block #{b} referenced twice");
            }
            if (bad) ctx.Report("PR_2_HTREE_CLEAR", 2, $"invalid HTREE directory inode {ino}", ino: ino);
        }
        if (ctx.LargeDirs > 0 && !ctx.Geometry.Has(Ext4FeatureIncompat.INCOMPAT_LARGEDIR))
            ctx.Report("PR_2_FEATURE_LARGE_DIRS", 2, "filesystem has large directories, but lacks the LARGE_DIR flag in the superblock");
    }

    private static bool Note(CheckContext ctx, string code, uint ino, string what)
    {
        ctx.Report(code, 2, $"problem in HTREE directory inode {ino}: {what}", ino: ino, counts: false);
        return true;
    }

    /// <summary>update_parents: the first and last child of each node give it its hash range, and the node before it its upper bound.</summary>
    private static void UpdateParents(DxBlock[] blocks, DxBlockType type)
    {
        for (int b = 0; b < blocks.Length; b++)
        {
            ref var db = ref blocks[b];
            if (db.Type != type) continue;
            ref var parent = ref blocks[db.Parent];
            if ((db.Flags & DxFlags.First) != 0)
            {
                parent.MinHash = db.MinHash;
                // e2fsck trusts the index entry here (and can write past its array); a block beyond the directory is skipped.
                if (parent.Previous != 0 && parent.Previous < blocks.Length) blocks[parent.Previous].NodeMaxHash = parent.MinHash;
            }
            if ((db.Flags & DxFlags.Last) != 0) parent.MaxHash = db.MaxHash;
        }
    }

    private static int Depth(DxBlock[] blocks, uint b)
    {
        int depth = 0;
        while (blocks[b].Type != DxBlockType.Root && depth < MaxDepth)
        {
            b = blocks[b].Parent;
            depth++;
        }
        return depth;
    }
}

/// <summary>e2fsck's dx_dir_info: one indexed directory's blocks as pass 2 learns them.</summary>
internal sealed class DxDir(uint numBlocks, bool casefolded)
{
    public uint NumBlocks { get; } = numBlocks;
    public bool Casefolded { get; } = casefolded;
    public DxBlock[] Blocks { get; } = new DxBlock[numBlocks];
    public Ext4HashVersion HashVersion { get; set; }
    public int Depth { get; set; }
}

/// <summary>e2fsck's dx_dirblock_info.</summary>
internal struct DxBlock
{
    public DxBlockType Type;
    public DxFlags Flags;
    public uint Parent;
    public uint Previous;
    public uint MinHash;
    public uint MaxHash;
    public uint NodeMinHash;
    public uint NodeMaxHash;
}

internal enum DxBlockType : byte
{
    None = 0,
    Root = 1,
    Leaf = 2,
    Node = 3,
}

[Flags]
internal enum DxFlags : byte
{
    Referenced = 1,
    DupRef = 2,
    First = 4,
    Last = 8,
}
