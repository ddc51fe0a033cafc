using System;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Journal;

namespace Ext4Codec.Checking;

/// <summary>
/// What e2fsck does between opening the filesystem and pass 1 (e2fsck/unix.c, journal.c, super.c): the feature
/// sets it knows, MMP, the journal (a journal it cannot use is fatal, exit 12), then check_super_block's per-group
/// checks. Answers here are "no" but e2fsck marks the filesystem valid again before pass 1, so only the fatal
/// ones change the exit code; the rest are reported without counting (docs/kernel-mount-checks.md part B).
/// </summary>
internal static class SuperblockPass
{
    // e2fsprogs 1.47 EXT2_LIB_FEATURE_*_SUPP.
    private const uint MmpMagic = 0x004D4D50;

    public static void Run(CheckContext ctx)
    {
        var fs = ctx.Fs;
        var g = ctx.Geometry;
        var sb = fs.SuperBlock;
        // EXT2_LIB_FEATURE_*_SUPP of the checker's profile (format-specs/profiles).
        var checker = ctx.Options.Checker;
        uint compat = (uint)(g.Compat & ~checker.KnownCompat), incompat = (uint)(g.Incompat & ~checker.KnownIncompat), ro = (uint)(g.RoCompat & ~checker.KnownRoCompat);
        if (compat != 0 || incompat != 0 || ro != 0)
        {
            throw ctx.AbortInvalid($"unsupported feature(s): compat 0x{compat:x}, incompat 0x{incompat:x}, ro_compat 0x{ro:x} (Get a newer version of e2fsck!)");
        }
        if (g.Has(Ext4FeatureIncompat.INCOMPAT_MMP)) CheckMmp(ctx, sb);
        CheckJournal(ctx, sb);
        CheckSuperValues(ctx, sb);
        CheckGroups(ctx, sb);
        CheckResizeInode(ctx, sb);
    }

    /// <summary>ext2fs_mmp_read in unix.c: an MMP block e2fsck cannot trust stops it (answering "no" keeps the error).</summary>
    private static void CheckMmp(CheckContext ctx, SuperBlockView sb)
    {
        ulong block = sb.s_mmp_block;
        if (block <= ctx.Geometry.FirstDataBlock || block >= ctx.Geometry.BlocksCount || !ctx.Fs.Image.TryRead((long)block * ctx.Geometry.BlockSize, 1024, out var mmp))
        {
            ctx.Report("PR_0_MMP_INVALID_BLK", 0, $"MMP block {block} is beyond the filesystem", block: block, counts: false);
            throw ctx.AbortInvalid("the MMP block is invalid");
        }
        var view = new MmpBlockView(mmp);
        if (view.mmp_magic != MmpMagic)
        {
            ctx.Report("PR_0_MMP_INVALID_MAGIC", 0, $"the MMP block {block} has magic 0x{view.mmp_magic:x8}, not 0x{MmpMagic:x8}", block: block, offset: (long)block * ctx.Geometry.BlockSize, counts: false);
            throw ctx.AbortInvalid("invalid MMP magic");
        }
    }

    /// <summary>e2fsck_check_ext3_journal: a journal e2fsck cannot open or does not support is fatal.</summary>
    private static void CheckJournal(CheckContext ctx, SuperBlockView sb)
    {
        var fs = ctx.Fs;
        var g = ctx.Geometry;
        if (!g.Has(Ext4FeatureCompat.COMPAT_HAS_JOURNAL))
        {
            if (g.Has(Ext4FeatureIncompat.INCOMPAT_RECOVER) && sb.s_journal_inum == 0)
            {
                ctx.Report("PR_0_JOURNAL_RECOVER_SET", 0, "needs_recovery is set but the filesystem has no journal", counts: false);
                throw ctx.AbortInvalid("needs_recovery flag set without a journal");
            }
            return;
        }
        uint ino = sb.s_journal_inum;
        // e2fsck_get_journal: a journal UUID names an external journal, whatever s_journal_inum says.
        if (ino == 0 || sb.s_journal_uuid.IndexOfAnyExcept((byte)0) >= 0)
        {
            ctx.Report("PR_0_CANT_FIND_JOURNAL", 0, "the journal is on an external device that was not given", counts: false);
            throw ctx.AbortInvalid("cannot find the external journal");
        }
        string? bad = JournalInodeProblem(ctx, ino);
        if (bad is not null)
        {
            ctx.Report("PR_0_JOURNAL_BAD_INODE", 0, $"journal inode {ino} is invalid: {bad}", ino: ino, counts: false);
            throw ctx.AbortInvalid("the journal inode is invalid");
        }
        JournalSuperblockView jsb;
        try
        {
            var location = JournalLocator.Locate(fs);
            if (!JournalLocator.TryReadSuperblock(fs, location, out jsb)) throw ctx.Abort("the journal superblock cannot be read");
        }
        catch (CorruptDataException e)
        {
            ctx.Report("PR_0_JOURNAL_BAD_INODE", 0, $"journal inode {ino} is invalid: {e.Message}", ino: ino, counts: false);
            throw ctx.AbortInvalid("the journal inode is invalid");
        }
        if (jsb.s_header.h_magic != JournalGeometry.Magic)
        {
            ctx.Report("PR_0_JOURNAL_BAD_INODE", 0, $"journal inode {ino}: its first block holds no journal superblock", ino: ino, counts: false);
            throw ctx.AbortInvalid("the journal superblock is corrupt");
        }
        uint type = (uint)jsb.s_header.h_blocktype;
        if (type == (uint)JournalBlockType.SUPERBLOCK_V1)
        {
            if (jsb.s_nr_users != 0 || jsb.s_feature_compat != 0 || jsb.s_feature_incompat != 0 || jsb.s_feature_ro_compat != 0)
                ctx.Report("PR_0_CLEAR_V2_JOURNAL", 0, "a version 1 journal superblock has version 2 fields set", counts: false);
        }
        else if (type == (uint)JournalBlockType.SUPERBLOCK_V2 && jsb.s_nr_users > 1)
        {
            ctx.Report("PR_0_JOURNAL_UNSUPP_MULTIFS", 0, $"the journal has {jsb.s_nr_users} filesystem users (unsupported)", counts: false);
            throw ctx.AbortInvalid("journal with multiple filesystem users");
        }
        string? corrupt = JournalLoadProblem(ctx, jsb, type, ino);
        if (corrupt is not null)
        {
            ctx.Report("PR_0_JOURNAL_BAD_SUPER", 0, "the journal superblock is corrupt: " + corrupt, ino: ino, counts: false);
            throw ctx.AbortInvalid("the journal superblock is corrupt");
        }
    }

    /// <summary>
    /// e2fsck_journal_load's checks after the magic (e2fsck/journal.c, 1.47.0), which differ from the kernel's: a log
    /// block type or an unknown one, unknown incompat or ro_compat features, clashing checksum versions, the
    /// checksum, the block size, an s_maxlen beyond the journal inode, and a fast-commit area that leaves under 1024
    /// log blocks. s_first is not checked, and an s_maxlen below the inode's length only shortens the journal.
    /// </summary>
    private static string? JournalLoadProblem(CheckContext ctx, JournalSuperblockView jsb, uint type, uint ino)
    {
        const uint KnownIncompat = 0x3F;
        if (type is (uint)JournalBlockType.DESCRIPTOR_BLOCK or (uint)JournalBlockType.COMMIT_BLOCK or (uint)JournalBlockType.REVOKE_BLOCK)
            return $"its block type is {type}, a log block's";
        if (type != (uint)JournalBlockType.SUPERBLOCK_V1 && type != (uint)JournalBlockType.SUPERBLOCK_V2)
        {
            ctx.Report("PR_0_JOURNAL_UNSUPP_VERSION", 0, $"journal superblock format {type} is not supported", ino: ino, counts: false);
            return "unsupported format";
        }
        bool v2 = type == (uint)JournalBlockType.SUPERBLOCK_V2;
        uint incompat = v2 ? (uint)jsb.s_feature_incompat : 0, compat = v2 ? (uint)jsb.s_feature_compat : 0;
        if ((incompat & ~KnownIncompat) != 0)
        {
            ctx.Report("PR_0_JOURNAL_UNSUPP_INCOMPAT", 0, $"the journal has unsupported incompatible features 0x{incompat & ~KnownIncompat:x}", ino: ino, counts: false);
            return "unsupported incompatible features";
        }
        if (v2 && jsb.s_feature_ro_compat != 0)
        {
            ctx.Report("PR_0_JOURNAL_UNSUPP_ROCOMPAT", 0, "the journal has unsupported read-only compatible features", ino: ino, counts: false);
            return "unsupported read-only compatible features";
        }
        bool csum2 = (incompat & (uint)JournalFeatureIncompat.INCOMPAT_CSUM_V2) != 0, csum3 = (incompat & (uint)JournalFeatureIncompat.INCOMPAT_CSUM_V3) != 0;
        if (csum2 && csum3) return "both checksum v2 and v3";
        if ((csum2 || csum3) && (compat & (uint)JournalFeatureCompat.COMPAT_CHECKSUM) != 0) return "checksum v1 with v2 or v3";
        if ((csum2 || csum3) && ((uint)jsb.s_checksum_type != (uint)JournalChecksumType.CRC32C_CHKSUM || !jsb.VerifyCsum())) return "its checksum does not match";
        if (jsb.s_blocksize != ctx.Geometry.BlockSize) return "no valid journal superblock found (block size)";
        ulong total = ctx.Fs.ReadInode(ino).i_size / ctx.Geometry.BlockSize;
        if (jsb.s_maxlen > total) return "journal too short";
        uint fc = jsb.s_num_fc_blks != 0 ? jsb.s_num_fc_blks : JournalGeometry.DefaultFastCommitBlocks;
        // In 32-bit unsigned arithmetic, as e2fsck computes it: an area larger than the journal wraps and passes.
        if ((incompat & (uint)JournalFeatureIncompat.INCOMPAT_FAST_COMMIT) != 0 && unchecked(jsb.s_maxlen - fc) < 1024) return "incorrect fast commit blocks";
        return null;
    }

    /// <summary>e2fsck_get_journal's inode checks: in use, a regular file, at least 1024 blocks, all of i_size mapped.</summary>
    private static string? JournalInodeProblem(CheckContext ctx, uint ino)
    {
        if (ino > ctx.Geometry.InodesCount) return "its number is past s_inodes_count";
        try
        {
            var inode = ctx.Fs.ReadInode(ino);
            if (inode.i_links_count == 0) return "it is not in use";
            if (InodeFacts.Type(inode) != Ext4InodeType.S_IFREG) return "it is not a regular file";
            if ((inode.i_flags & Ext4InodeFlags.ENCRYPT_FL) != 0) return "it is encrypted";
            ulong blocks = inode.i_size / ctx.Geometry.BlockSize;
            if (blocks < 1024) return $"{blocks} blocks is below the 1024-block minimum";
            if ((inode.i_flags & Ext4InodeFlags.EXTENTS_FL) != 0)
            {
                long last = JournalExtentsLastBlock(ctx, inode);
                return (ulong)(last + 1) * ctx.Geometry.BlockSize < inode.i_size ? $"its blocks end at logical block {last}, before i_size" : null;
            }
            var counter = new MappedCounter { First = ctx.Geometry.FirstDataBlock, End = ctx.Geometry.BlocksCount };
            BlockMapper.Walk(ctx.Fs, ino, inode, ref counter);
            if (counter.Illegal) return "it maps blocks outside the filesystem";
            if (counter.Blocks < blocks) return $"only {counter.Blocks} of its {blocks} blocks are mapped";
            return null;
        }
        catch (CorruptDataException e)
        {
            return e.Message;
        }
    }

    /// <summary>
    /// e2fsck_get_journal's walk of an extent-mapped journal (ext2fs_block_iterate3 with process_journal_block): the
    /// tree's blocks in stored order, order and overlaps not checked, stopping at the first block outside the
    /// filesystem (or a node whose header is bad); the result is the logical number of the last block reached.
    /// </summary>
    private static long JournalExtentsLastBlock(CheckContext ctx, InodeView inode)
    {
        long last = -1;
        ulong budget = ctx.Geometry.BlocksCount + 16;
        Walk(inode.Data.Slice(InodeLayout.Offsets.i_block, 60), 0);
        return last;

        // False when the walk aborts.
        bool Walk(ReadOnlySpan<byte> node, int level)
        {
            var h = new ExtentHeaderView(node);
            if (h.eh_magic != 0xF30A || h.eh_entries > h.eh_max || 12 + h.eh_entries * 12 > node.Length || level > 5) return false;
            for (int i = 0; i < h.eh_entries; i++)
            {
                var entry = node.Slice(12 + i * 12, 12);
                if (h.eh_depth == 0)
                {
                    var x = new ExtentView(entry);
                    uint len = x.ee_len > 32768 ? x.ee_len - 32768u : x.ee_len;
                    for (uint j = 0; j < len; j++)
                    {
                        if (budget-- == 0 || !ctx.IsValidBlock(x.ee_start + j)) return false;
                        last = x.ee_block + (long)j;
                    }
                    continue;
                }
                ulong child = new ExtentIdxView(entry).ei_leaf;
                if (!ctx.IsValidBlock(child) || budget-- == 0) return false;
                if (!ctx.Fs.Image.TryRead((long)child * ctx.Geometry.BlockSize, (int)ctx.Geometry.BlockSize, out var data) || !Walk(data, level + 1)) return false;
            }
            return true;
        }
    }

    /// <summary>Counts mapped blocks and notes any mapping or data block outside [s_first_data_block, s_blocks_count).</summary>
    private struct MappedCounter : IBlockMapVisitor
    {
        public ulong Blocks;
        public bool Illegal;
        public ulong First;
        public ulong End;

        public bool OnMapBlock(ulong block, int levelsBelow, ReadOnlySpan<byte> data)
        {
            if (block < First || block >= End) Illegal = true;
            return !Illegal;
        }

        public bool OnExtent(in ExtentRecord extent)
        {
            if (extent.Physical < First || extent.Physical + extent.Length > End) Illegal = true;
            Blocks += extent.Length;
            return !Illegal;
        }
    }

    /// <summary>check_super_block's value checks that get past ext2fs_open (which the reader already applies).</summary>
    private static void CheckSuperValues(CheckContext ctx, SuperBlockView sb)
    {
        var g = ctx.Geometry;
        uint expectFirst = g.BlockSize == 1024 && g.ClusterSize == g.BlockSize ? 1u : 0u;
        if (g.FirstDataBlock != expectFirst)
        {
            ctx.Report("PR_0_FIRST_DATA_BLOCK", 0, $"s_first_data_block is {g.FirstDataBlock}, should be {expectFirst}", counts: false);
            throw ctx.Abort("the superblock is corrupt");
        }
        if (sb.s_r_blocks_count > g.BlocksCount / 2)
        {
            ctx.Report("PR_0_MISC_CORRUPT_SUPER", 0, $"reserved blocks {sb.s_r_blocks_count} exceed half of {g.BlocksCount}", counts: false);
            throw ctx.Abort("the superblock is corrupt");
        }
        if (g.BlocksPerGroup < 8 || g.InodesPerGroup < g.BlockSize / g.InodeSize)
        {
            ctx.Report("PR_0_MISC_CORRUPT_SUPER", 0, $"blocks per group {g.BlocksPerGroup} or inodes per group {g.InodesPerGroup} out of range", counts: false);
            throw ctx.Abort("the superblock is corrupt");
        }
        // check_super_value's later constants: reserved_gdt_blocks (at most a block of u32), desc_size (at most 1024, a
        // power of two, checked with or without 64bit), first_ino (11 .. s_inodes_count on a dynamic-revision fs).
        string? bad = sb.s_reserved_gdt_blocks > g.BlockSize / 4 ? $"reserved_gdt_blocks = {sb.s_reserved_gdt_blocks}"
            : sb.s_desc_size > 1024 || (sb.s_desc_size & (sb.s_desc_size - 1)) != 0 ? $"desc_size = {sb.s_desc_size}"
            : sb.s_rev_level != Ext4RevLevel.GOOD_OLD_REV && (sb.s_first_ino < 11 || sb.s_first_ino > sb.s_inodes_count) ? $"first_ino = {sb.s_first_ino}"
            : null;
        if (bad is not null)
        {
            ctx.Report("PR_0_MISC_CORRUPT_SUPER", 0, $"corruption found in superblock ({bad})", counts: false);
            throw ctx.Abort("the superblock is corrupt");
        }
        if (g.InodeSize > 128)
        {
            ushort min = sb.s_min_extra_isize, want = sb.s_want_extra_isize;
            uint room = g.InodeSize - 128;
            if (min != 0 && (min < 4 || min > room || (min & 3) != 0))
                ctx.Report("PR_0_BAD_MIN_EXTRA_ISIZE", 0, $"s_min_extra_isize {min} is invalid", counts: false);
            if (want != 0 && (want < 4 || want > room || (want & 3) != 0))
                ctx.Report("PR_0_BAD_WANT_EXTRA_ISIZE", 0, $"s_want_extra_isize {want} is invalid", counts: false);
        }
        if (g.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM) && g.Has(Ext4FeatureRoCompat.RO_COMPAT_GDT_CSUM))
            ctx.Report("PR_0_META_AND_GDT_CSUM_SET", 0, "metadata_csum and uninit_bg are both set", counts: false);
        if (g.Has(Ext4FeatureIncompat.INCOMPAT_64BIT) && !g.Has(Ext4FeatureIncompat.INCOMPAT_EXTENTS))
            ctx.Report("PR_0_64BIT_WITHOUT_EXTENTS", 0, "64bit is set without extents", counts: false);
        if ((ulong)ctx.Fs.Image.Length / g.BlockSize < g.BlocksCount)
            ctx.Report("PR_0_FS_SIZE_WRONG", 0, $"the superblock says {g.BlocksCount} blocks, the image holds {(ulong)ctx.Fs.Image.Length / g.BlockSize}", counts: false);
    }

    /// <summary>check_super_block's loop over the descriptors.</summary>
    private static void CheckGroups(CheckContext ctx, SuperBlockView sb)
    {
        var fs = ctx.Fs;
        var g = ctx.Geometry;
        bool flex = g.Has(Ext4FeatureIncompat.INCOMPAT_FLEX_BG);
        bool csumLatched = false, relocLatched = false;
        for (uint group = 0; group < g.GroupCount; group++)
        {
            var gd = fs.GroupDescriptor(group);
            ulong first = flex ? g.FirstDataBlock : fs.GroupFirstBlock(group);
            ulong last = flex || group == g.GroupCount - 1 ? g.BlocksCount - 1 : fs.GroupFirstBlock(group) + g.BlocksPerGroup - 1;
            void NotInGroup(string code, string what, ulong block)
            {
                if (!relocLatched) ctx.Report("PR_0_RELOCATE_HINT", 0, "bitmaps or inode tables outside their group will be relocated (e2fsck -y)", counts: false);
                relocLatched = true;
                ctx.Report(code, 0, $"{what} for group {group} is not in the group (block {block})", group: group, block: block, offset: fs.GroupDescriptorOffset(group), counts: false);
            }
            if (gd.bg_block_bitmap < first || gd.bg_block_bitmap > last) NotInGroup("PR_0_BB_NOT_GROUP", "block bitmap", gd.bg_block_bitmap);
            if (gd.bg_inode_bitmap < first || gd.bg_inode_bitmap > last) NotInGroup("PR_0_IB_NOT_GROUP", "inode bitmap", gd.bg_inode_bitmap);
            ulong table = gd.bg_inode_table;
            if (table < first || table + g.InodeBlocksPerGroup - 1 > last) NotInGroup("PR_0_ITABLE_NOT_GROUP", "inode table", table);
            if (fs.DescriptorChecksumValid(gd, group) == false)
            {
                if (!csumLatched) ctx.Report("PR_0_GDT_CSUM_LATCH", 0, "one or more group descriptor checksums are invalid", counts: false);
                csumLatched = true;
                ctx.Report("PR_0_GDT_CSUM", 0, $"group descriptor {group} checksum is invalid", group: group, offset: fs.GroupDescriptorOffset(group), counts: false);
            }
            if (!ctx.GroupCsum && ((gd.bg_flags & (Ext4BgFlags.BLOCK_UNINIT | Ext4BgFlags.INODE_UNINIT)) != 0 || gd.bg_itable_unused != 0))
                ctx.Report("PR_0_GDT_UNINIT", 0, $"group descriptor {group} has uninit flags or itable_unused without a group checksum feature", group: group, counts: false);
            if (ctx.GroupCsum && group == g.GroupCount - 1 && (gd.bg_flags & Ext4BgFlags.BLOCK_UNINIT) != 0)
                ctx.Report("PR_0_BB_UNINIT_LAST", 0, $"the last group {group} has BLOCK_UNINIT set", group: group, counts: false);
            if (ctx.GroupCsum && (gd.bg_itable_unused > gd.bg_free_inodes_count || gd.bg_itable_unused > g.InodesPerGroup))
                ctx.Report("PR_0_GDT_ITABLE_UNUSED", 0, $"group descriptor {group}: bg_itable_unused {gd.bg_itable_unused} exceeds its free inodes {gd.bg_free_inodes_count}", group: group, counts: false);
        }
    }

    /// <summary>check_resize_inode's feature consistency checks (the inode itself is pass 1's).</summary>
    private static void CheckResizeInode(CheckContext ctx, SuperBlockView sb)
    {
        var g = ctx.Geometry;
        bool resize = g.Has(Ext4FeatureCompat.COMPAT_RESIZE_INODE);
        if (resize && g.Has(Ext4FeatureIncompat.INCOMPAT_META_BG))
            ctx.Report("PR_0_DISABLE_RESIZE_INODE", 0, "resize_inode and meta_bg are both set", counts: false);
        if (!resize && sb.s_reserved_gdt_blocks != 0)
            ctx.Report("PR_0_NONZERO_RESERVED_GDT_BLOCKS", 0, $"s_reserved_gdt_blocks is {sb.s_reserved_gdt_blocks} without resize_inode", counts: false);
    }
}
