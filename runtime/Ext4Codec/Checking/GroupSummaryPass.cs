using System;
using System.Text;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Checking;

/// <summary>
/// Pass 5 (e2fsck/pass5.c): the on-disk block and inode bitmaps against what passes 1–4 found in use, then each
/// group's free block, free inode and directory counts, then the superblock totals (answering "no" to those two
/// is allowed: PR_NO_OK). A BLOCK_UNINIT group's bitmap is taken as libext2fs builds it (its metadata only), an
/// INODE_UNINIT group's as empty.
/// </summary>
internal static class GroupSummaryPass
{
    private const int ShownRanges = 8;

    public static void Run(CheckContext ctx)
    {
        var g = ctx.Geometry;
        CheckBlocks(ctx);
        CheckInodes(ctx);
        ctx.Result.BlocksCount = g.BlocksCount;
        ctx.Result.InodesCount = g.InodesCount;
    }

    private static void CheckBlocks(CheckContext ctx)
    {
        var fs = ctx.Fs;
        var g = ctx.Geometry;
        var diffs = new StringBuilder();
        int ranges = 0;
        ulong totalFree = 0;
        long rangeStart = -1;
        bool rangeUsed = false;
        for (uint group = 0; group < g.GroupCount; group++)
        {
            var gd = fs.GroupDescriptor(group);
            ulong first = fs.GroupFirstBlock(group);
            ulong count = Math.Min(g.BlocksPerGroup, g.BlocksCount - first);
            bool uninit = ctx.GroupCsum && (gd.bg_flags & Ext4BgFlags.BLOCK_UNINIT) != 0;
            ReadOnlySpan<byte> bitmap = default;
            bool readable = uninit || fs.Image.TryRead((long)gd.bg_block_bitmap * g.BlockSize, (int)g.BlockSize, out bitmap);
            ulong free = 0;
            for (ulong i = 0; i < count; i++)
            {
                ulong block = first + i;
                bool found = ctx.BlockFound[block];
                bool onDisk = readable && (uninit ? UninitBlockUsed(ctx, group, block) : (i >> 3) < (ulong)bitmap.Length && (bitmap[(int)(i >> 3)] & (1 << (int)(i & 7))) != 0);
                if (!found) free++;
                if (found != onDisk)
                {
                    if (ranges < ShownRanges && ((ulong)(rangeStart + 1) != block || rangeUsed != found)) { ranges++; diffs.Append(found ? " +" : " -").Append(block); }
                    rangeStart = (long)block;
                    rangeUsed = found;
                }
            }
            totalFree += free;
            if (free != gd.bg_free_blocks_count)
                ctx.Report("PR_5_FREE_BLOCK_COUNT_GROUP", 5, $"free blocks count wrong for group #{group} ({gd.bg_free_blocks_count}, counted={free})", group: group, offset: fs.GroupDescriptorOffset(group));
        }
        if (diffs.Length > 0)
            ctx.Report("PR_5_BLOCK_BITMAP_HEADER", 5, "block bitmap differences:" + diffs + (ranges >= ShownRanges ? " ..." : ""));
        CheckBlockPadding(ctx);
        var sb = fs.SuperBlock;
        if (totalFree != sb.s_free_blocks_count)
            ctx.Report("PR_5_FREE_BLOCK_COUNT", 5, $"free blocks count wrong ({sb.s_free_blocks_count}, counted={totalFree})", counts: false);
        ctx.Result.BlocksUsed = g.BlocksCount - totalFree;
    }

    /// <summary>check_block_end: bits past the last block, up to the last group's full size, must be set.</summary>
    private static void CheckBlockPadding(CheckContext ctx)
    {
        var fs = ctx.Fs;
        var g = ctx.Geometry;
        uint last = g.GroupCount - 1;
        var gd = fs.GroupDescriptor(last);
        if (ctx.GroupCsum && (gd.bg_flags & Ext4BgFlags.BLOCK_UNINIT) != 0) return;
        ulong first = fs.GroupFirstBlock(last);
        ulong inGroup = g.BlocksCount - first;
        if (!fs.Image.TryRead((long)gd.bg_block_bitmap * g.BlockSize, (int)g.BlockSize, out var bitmap)) return;
        for (ulong i = inGroup; i < g.BlocksPerGroup && i < (ulong)bitmap.Length * 8; i++)
        {
            if ((bitmap[(int)(i >> 3)] & (1 << (int)(i & 7))) == 0)
            {
                ctx.Report("PR_5_BLOCK_BMAP_PADDING", 5, $"padding at the end of the block bitmap is not set (group {last}, bit {i})", group: last);
                return;
            }
        }
    }

    /// <summary>mark_uninit_bg_group_blocks: a BLOCK_UNINIT group's bitmap holds its own base metadata and any bitmap or table placed in it.</summary>
    private static bool UninitBlockUsed(CheckContext ctx, uint group, ulong block)
    {
        var fs = ctx.Fs;
        ulong first = fs.GroupFirstBlock(group);
        if (block - first < (ulong)fs.BaseMetaBlocks(group)) return true;
        return ctx.BlockMetadata[block];
    }

    private static void CheckInodes(CheckContext ctx)
    {
        var fs = ctx.Fs;
        var g = ctx.Geometry;
        var diffs = new StringBuilder();
        int ranges = 0;
        bool lastUsed = false;
        uint lastIno = 0;
        ulong totalFree = 0;
        for (uint group = 0; group < g.GroupCount; group++)
        {
            var gd = fs.GroupDescriptor(group);
            bool uninit = ctx.GroupCsum && (gd.bg_flags & Ext4BgFlags.INODE_UNINIT) != 0;
            ReadOnlySpan<byte> bitmap = default;
            bool readable = uninit || fs.Image.TryRead((long)gd.bg_inode_bitmap * g.BlockSize, (int)g.BlockSize, out bitmap);
            uint free = 0, dirs = 0;
            for (uint i = 0; i < g.InodesPerGroup; i++)
            {
                uint ino = group * g.InodesPerGroup + i + 1;
                bool used = ctx.InodeUsed[ino];
                bool onDisk = readable && !uninit && (i >> 3) < (uint)bitmap.Length && (bitmap[(int)(i >> 3)] & (1 << (int)(i & 7))) != 0;
                if (!used) free++;
                else if (ctx.InodeDir[ino]) dirs++;
                if (used != onDisk)
                {
                    if (ranges < ShownRanges && (lastIno + 1 != ino || lastUsed != used)) { ranges++; diffs.Append(used ? " +" : " -").Append(ino); }
                    lastIno = ino;
                    lastUsed = used;
                }
            }
            totalFree += free;
            if (free != gd.bg_free_inodes_count)
                ctx.Report("PR_5_FREE_INODE_COUNT_GROUP", 5, $"free inodes count wrong for group #{group} ({gd.bg_free_inodes_count}, counted={free})", group: group, offset: fs.GroupDescriptorOffset(group));
            if (dirs != gd.bg_used_dirs_count)
                ctx.Report("PR_5_FREE_DIR_COUNT_GROUP", 5, $"directories count wrong for group #{group} ({gd.bg_used_dirs_count}, counted={dirs})", group: group, offset: fs.GroupDescriptorOffset(group));
        }
        if (diffs.Length > 0)
            ctx.Report("PR_5_INODE_BITMAP_HEADER", 5, "inode bitmap differences:" + diffs + (ranges >= ShownRanges ? " ..." : ""));
        var sb = fs.SuperBlock;
        if (totalFree != sb.s_free_inodes_count)
            ctx.Report("PR_5_FREE_INODE_COUNT", 5, $"free inodes count wrong ({sb.s_free_inodes_count}, counted={totalFree})", counts: false);
        ctx.Result.InodesUsed = g.InodesCount - totalFree;
    }
}
