using System;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Checking;

/// <summary>
/// Pass 5 (e2fsck/pass5.c): the on-disk block and inode bitmaps against what passes 1–4 found in use, then each
/// group's free block, free inode and directory counts, then the superblock totals (answering "no" to those two
/// is allowed: PR_NO_OK), the padding past the last block and inode and in each bitmap block's tail, and with
/// metadata_csum each bitmap's checksum. Bitmaps are taken as libext2fs reads them (read_bitmaps_range_start):
/// a BLOCK_UNINIT group whose descriptor checksum holds has only its metadata in use, an INODE_UNINIT group no
/// inodes, and a bitmap placed past the filesystem's end reads as zeros.
/// </summary>
internal static class GroupSummaryPass
{
    public static void Run(CheckContext ctx)
    {
        var g = ctx.Geometry;
        CheckBlocks(ctx, out bool blockTail);
        CheckInodes(ctx, out bool inodeTail);
        CheckInodePadding(ctx, inodeTail);
        CheckBlockPadding(ctx, blockTail);
        if (g.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM)) CheckBitmapChecksums(ctx);
        ctx.Result.BlocksCount = g.BlocksCount;
        ctx.Result.InodesCount = g.InodesCount;
    }

    /// <summary>Whether libext2fs takes the group's bitmap as uninitialised: the flag is set and the descriptor's checksum holds.</summary>
    private static bool Uninit(CheckContext ctx, GroupDescView gd, uint group, Ext4BgFlags flag)
        => ctx.GroupCsum && (gd.bg_flags & flag) != 0 && ctx.Fs.DescriptorChecksumValid(gd, group) == true;

    /// <summary>The bitmap block as libext2fs reads it: empty (all zeros) when it lies past the filesystem or the image.</summary>
    private static ReadOnlySpan<byte> ReadBitmap(CheckContext ctx, ulong block)
    {
        var g = ctx.Geometry;
        if (block >= g.BlocksCount || !ctx.Fs.Image.TryRead((long)block * g.BlockSize, (int)g.BlockSize, out var bitmap)) return default;
        return bitmap;
    }

    private static bool Bit(ReadOnlySpan<byte> bitmap, ulong i) => (i >> 3) < (ulong)bitmap.Length && (bitmap[(int)(i >> 3)] & (1 << (int)(i & 7))) != 0;

    /// <summary>bitmap_tail_verify: the bytes of a bitmap block past the group's bits must be 0xff.</summary>
    private static bool TailSet(ReadOnlySpan<byte> bitmap, int usedBytes)
        => bitmap.Length == 0 || usedBytes >= bitmap.Length || !bitmap[usedBytes..].ContainsAnyExcept((byte)0xFF);

    private static void CheckBlocks(CheckContext ctx, out bool tailProblem)
    {
        tailProblem = false;
        var fs = ctx.Fs;
        var g = ctx.Geometry;
        var diffs = new BitmapDifferences();
        ulong totalFree = 0;
        for (uint group = 0; group < g.GroupCount; group++)
        {
            var gd = fs.GroupDescriptor(group);
            ulong first = fs.GroupFirstBlock(group);
            ulong count = Math.Min(g.BlocksPerGroup, g.BlocksCount - first);
            bool uninit = Uninit(ctx, gd, group, Ext4BgFlags.BLOCK_UNINIT);
            var bitmap = uninit ? default : ReadBitmap(ctx, gd.bg_block_bitmap);
            if (!uninit && !TailSet(bitmap, (int)(g.BlocksPerGroup / 8))) tailProblem = true;
            ulong free = 0;
            for (ulong i = 0; i < count; i++)
            {
                ulong block = first + i;
                bool found = ctx.BlockFound[block];
                bool onDisk = uninit ? UninitBlockUsed(ctx, group, block) : Bit(bitmap, i);
                if (!found) free++;
                if (found != onDisk) diffs.Add(block, found);
            }
            totalFree += free;
            if (free != gd.bg_free_blocks_count)
                ctx.Report("PR_5_FREE_BLOCK_COUNT_GROUP", 5, $"free blocks count wrong for group #{group} ({gd.bg_free_blocks_count}, counted={free})", group: group, offset: fs.GroupDescriptorOffset(group));
        }
        diffs.Report(ctx, "PR_5_BLOCK_BITMAP_HEADER", "block");
        var sb = fs.SuperBlock;
        if (totalFree != sb.s_free_blocks_count)
            ctx.Report("PR_5_FREE_BLOCK_COUNT", 5, $"free blocks count wrong ({sb.s_free_blocks_count}, counted={totalFree})", counts: false);
        ctx.Result.BlocksUsed = g.BlocksCount - totalFree;
    }

    /// <summary>
    /// check_block_end: bits past the last block, up to the last group's full size, must be set; failing that, the
    /// tails of the bitmap blocks (EXT2_FLAG_BBITMAP_TAIL_PROBLEM).
    /// </summary>
    private static void CheckBlockPadding(CheckContext ctx, bool tailProblem)
    {
        var fs = ctx.Fs;
        var g = ctx.Geometry;
        uint last = g.GroupCount - 1;
        var gd = fs.GroupDescriptor(last);
        if (!Uninit(ctx, gd, last, Ext4BgFlags.BLOCK_UNINIT))
        {
            var bitmap = ReadBitmap(ctx, gd.bg_block_bitmap);
            for (ulong i = g.BlocksCount - fs.GroupFirstBlock(last); i < g.BlocksPerGroup; i++)
            {
                if (Bit(bitmap, i)) continue;
                ctx.Report("PR_5_BLOCK_BMAP_PADDING", 5, $"padding at the end of the block bitmap is not set (group {last}, bit {i})", group: last);
                return;
            }
        }
        if (tailProblem) ctx.Report("PR_5_BLOCK_BMAP_PADDING", 5, "padding at the end of a block bitmap block is not set");
    }

    /// <summary>
    /// check_inode_end: bits past s_inodes_count, up to the last group's full size, must be set; failing that, the
    /// tails of the bitmap blocks (EXT2_FLAG_IBITMAP_TAIL_PROBLEM).
    /// </summary>
    private static void CheckInodePadding(CheckContext ctx, bool tailProblem)
    {
        var fs = ctx.Fs;
        var g = ctx.Geometry;
        ulong end = (ulong)g.InodesPerGroup * g.GroupCount;
        for (ulong ino = (ulong)g.InodesCount + 1; ino <= end;)
        {
            uint group = (uint)((ino - 1) / g.InodesPerGroup);
            var gd = fs.GroupDescriptor(group);
            var bitmap = Uninit(ctx, gd, group, Ext4BgFlags.INODE_UNINIT) ? default : ReadBitmap(ctx, gd.bg_inode_bitmap);
            for (ulong groupEnd = (ulong)(group + 1) * g.InodesPerGroup; ino <= groupEnd; ino++)
            {
                if (Bit(bitmap, (ino - 1) % g.InodesPerGroup)) continue;
                ctx.Report("PR_5_INODE_BMAP_PADDING", 5, $"padding at the end of the inode bitmap is not set (inode {ino})", group: group);
                return;
            }
        }
        if (tailProblem) ctx.Report("PR_5_INODE_BMAP_PADDING", 5, "padding at the end of an inode bitmap block is not set");
    }

    /// <summary>
    /// check_inode_bitmap_checksum, check_block_bitmap_checksum: crc32c(fs seed, bitmap) of every group not flagged
    /// uninitialised, reported under the bitmap-differences heading as e2fsck prints them.
    /// </summary>
    private static void CheckBitmapChecksums(CheckContext ctx)
    {
        var fs = ctx.Fs;
        var g = ctx.Geometry;
        for (uint group = 0; group < g.GroupCount; group++)
        {
            var gd = fs.GroupDescriptor(group);
            if ((gd.bg_flags & Ext4BgFlags.INODE_UNINIT) != 0) continue;
            if (!BitmapChecksumHolds(fs, ReadBitmap(ctx, gd.bg_inode_bitmap), (int)(g.InodesPerGroup / 8), gd.bg_inode_bitmap_csum, gd.HasHigh_bg_inode_bitmap_csum))
                ctx.Report("PR_5_INODE_BITMAP_HEADER", 5, $"inode bitmap differences: group {group} inode bitmap does not match checksum", group: group, block: gd.bg_inode_bitmap);
        }
        for (uint group = 0; group < g.GroupCount; group++)
        {
            var gd = fs.GroupDescriptor(group);
            if ((gd.bg_flags & Ext4BgFlags.BLOCK_UNINIT) != 0) continue;
            if (!BitmapChecksumHolds(fs, ReadBitmap(ctx, gd.bg_block_bitmap), (int)(g.BlocksPerGroup / (g.ClusterSize / g.BlockSize) / 8), gd.bg_block_bitmap_csum, gd.HasHigh_bg_block_bitmap_csum))
                ctx.Report("PR_5_BLOCK_BITMAP_HEADER", 5, $"block bitmap differences: group {group} block bitmap does not match checksum", group: group, block: gd.bg_block_bitmap);
        }
    }

    private static bool BitmapChecksumHolds(Ext4FileSystem fs, ReadOnlySpan<byte> bitmap, int bytes, uint stored, bool high)
    {
        uint crc = fs.ChecksumSeed;
        if (bitmap.Length == 0) crc = Crc32C.AppendZeros(crc, bytes);
        else crc = Crc32C.Append(crc, bitmap[..Math.Min(bytes, bitmap.Length)]);
        return high ? crc == stored : (ushort)crc == (ushort)stored;
    }

    /// <summary>mark_uninit_bg_group_blocks: a BLOCK_UNINIT group's bitmap holds its own base metadata and any bitmap or table placed in it.</summary>
    private static bool UninitBlockUsed(CheckContext ctx, uint group, ulong block)
    {
        var fs = ctx.Fs;
        ulong first = fs.GroupFirstBlock(group);
        if (block - first < (ulong)fs.BaseMetaBlocks(group)) return true;
        return ctx.BlockMetadata[block];
    }

    private static void CheckInodes(CheckContext ctx, out bool tailProblem)
    {
        tailProblem = false;
        var fs = ctx.Fs;
        var g = ctx.Geometry;
        var diffs = new BitmapDifferences();
        ulong totalFree = 0;
        for (uint group = 0; group < g.GroupCount; group++)
        {
            var gd = fs.GroupDescriptor(group);
            bool uninit = Uninit(ctx, gd, group, Ext4BgFlags.INODE_UNINIT);
            var bitmap = uninit ? default : ReadBitmap(ctx, gd.bg_inode_bitmap);
            if (!uninit && !TailSet(bitmap, (int)(g.InodesPerGroup / 8))) tailProblem = true;
            uint free = 0, dirs = 0;
            for (uint i = 0; i < g.InodesPerGroup; i++)
            {
                uint ino = group * g.InodesPerGroup + i + 1;
                bool used = ctx.InodeUsed[ino];
                bool onDisk = Bit(bitmap, i);
                if (!used) free++;
                else if (ctx.InodeDir[ino]) dirs++;
                if (used != onDisk) diffs.Add(ino, used);
            }
            totalFree += free;
            if (free != gd.bg_free_inodes_count)
                ctx.Report("PR_5_FREE_INODE_COUNT_GROUP", 5, $"free inodes count wrong for group #{group} ({gd.bg_free_inodes_count}, counted={free})", group: group, offset: fs.GroupDescriptorOffset(group));
            if (dirs != gd.bg_used_dirs_count)
                ctx.Report("PR_5_FREE_DIR_COUNT_GROUP", 5, $"directories count wrong for group #{group} ({gd.bg_used_dirs_count}, counted={dirs})", group: group, offset: fs.GroupDescriptorOffset(group));
        }
        diffs.Report(ctx, "PR_5_INODE_BITMAP_HEADER", "inode");
        var sb = fs.SuperBlock;
        if (totalFree != sb.s_free_inodes_count)
            ctx.Report("PR_5_FREE_INODE_COUNT", 5, $"free inodes count wrong ({sb.s_free_inodes_count}, counted={totalFree})", counts: false);
        ctx.Result.InodesUsed = g.InodesCount - totalFree;
    }
}
