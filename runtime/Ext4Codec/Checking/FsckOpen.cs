using System;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Imaging;

namespace Ext4Codec.Checking;

/// <summary>
/// How e2fsck opens the filesystem (e2fsck/unix.c main, try_open_fs, get_backup_sb): ext2fs_open2 on the primary
/// superblock, then ext2fs_check_desc. A bad magic, a bad superblock checksum, a corrupt superblock or implausible
/// descriptors send it to the first backup superblock it can find, with that group's copy of the descriptors; when
/// the backup cannot be opened either it goes back to the primary (ignoring superblock errors if that is what
/// failed). With a backup the check runs on a private copy-on-write view of the image in which the backup's
/// superblock and descriptors stand where the primary ones are, as libext2fs holds them in memory.
/// </summary>
internal static class FsckOpen
{
    private const int SuperblockSize = 1024;
    private const uint MaxBlockSize = 65536;
    private const string DescSizeError = "Block group descriptor size incorrect";

    /// <summary>The filesystem to check, or null (and an operational error in <paramref name="result"/>).</summary>
    /// <param name="view">The copy-on-write view the filesystem reads when a backup was used; the caller disposes it.</param>
    public static Ext4FileSystem? Open(DiskImage image, FsckResult result, FsckOptions options, out DiskImage? view)
    {
        view = null;
        var known = options.Checker.KnownIncompat;
        string? primaryError = OpenError(image, Ext4FileSystem.SuperBlockOffset, 0, known, out bool retry);
        // Errors that send e2fsck to no backup end the check ("while trying to open"), except a bad descriptor
        // size, which gets one more try with superblock errors ignored.
        if (primaryError is not null && !retry)
        {
            if (primaryError != DescSizeError || OpenError(image, Ext4FileSystem.SuperBlockOffset, 0, known, out _, ignoreSuperblockErrors: true) is not null)
                return Fail(result, primaryError);
            primaryError = null;
        }
        Ext4FileSystem? primary = null;
        Corruption geometryError = default;
        bool opened = (primaryError is null || !retry) && Ext4FileSystem.TryOpen(image, false, out primary, out geometryError);
        string? descError = primaryError is null && opened ? CheckDesc(primary!) : null;
        if (!(primaryError is not null && retry) && descError is null)
            return opened ? primary : Fail(result, geometryError.Reason, geometryError.Offset);

        var finding = primaryError is not null
            ? new Finding("PR_0_OPEN_FAILED", 0, "ext2fs_open2: " + primaryError) { Offset = Ext4FileSystem.SuperBlockOffset, CountsAsError = false }
            : new Finding("PR_0_CHECK_DESC_FAILED", 0, "ext2fs_check_desc: " + descError) { CountsAsError = false };
        result.Findings.Add(finding);
        bool usable = primaryError is null && opened;
        if (!usable || primary!.Geometry.GroupCount > 1)
        {
            var backup = OpenBackup(image, usable ? primary : null, known, out view, out ulong superblock);
            if (backup is not null)
            {
                result.BackupSuperblock = superblock;
                result.Findings[^1] = finding with { Message = finding.Message + $"; {(usable ? "group descriptors look bad" : "superblock invalid")}, using the backup superblock at block {superblock}" };
                return backup;
            }
        }
        if (usable) return primary;
        // "Trying to load superblock despite errors" (EXT2_FLAG_IGNORE_SB_ERRORS) on the primary.
        if (OpenError(image, Ext4FileSystem.SuperBlockOffset, 0, known, out _, ignoreSuperblockErrors: true) is not null) return Fail(result, primaryError!);
        return Ext4FileSystem.TryOpen(image, false, out primary, out geometryError) ? primary : Fail(result, geometryError.Reason, geometryError.Offset);
    }

    private static Ext4FileSystem? Fail(FsckResult result, string reason, long offset = Ext4FileSystem.SuperBlockOffset)
    {
        result.Findings.Add(new Finding("PR_0_SB_CORRUPT", 0, "not an ext4 filesystem e2fsck can open: " + reason) { Offset = offset, CountsAsError = false });
        result.OperationalError = true;
        result.AbortReason = reason;
        return null;
    }

    /// <summary>get_backup_sb, then try_open_fs on what it found.</summary>
    private static Ext4FileSystem? OpenBackup(DiskImage image, Ext4FileSystem? primary, Ext4FeatureIncompat known, out DiskImage? view, out ulong superblock)
    {
        view = null;
        if (!FindBackup(image, primary, out superblock, out uint blockSize)) return null;
        long offset = (long)superblock * blockSize;
        if (OpenError(image, offset, blockSize, known, out _) is not null) return null;
        view = image.PrivateCopy();
        if (!Install(view, superblock, blockSize) || !Ext4FileSystem.TryOpen(view, false, out var fs, out _))
        {
            view.Dispose();
            view = null;
            return null;
        }
        return fs;
    }

    /// <summary>
    /// get_backup_sb: the first backup (groups 1, 3, 5, 7, 9, 25, 27, …) whose magic and block size fit. With the
    /// primary open only its block size and blocks per group are tried; otherwise each block size from 1 KiB up,
    /// with 8 × block size blocks per group, as far as the image reaches.
    /// </summary>
    private static bool FindBackup(DiskImage image, Ext4FileSystem? primary, out ulong superblock, out uint blockSize)
    {
        blockSize = primary?.Geometry.BlockSize ?? 1024;
        for (; blockSize <= MaxBlockSize; blockSize *= 2)
        {
            ulong perGroup = primary?.Geometry.BlocksPerGroup ?? blockSize * 8UL;
            ulong limit = primary is not null ? primary.Geometry.BlocksCount / perGroup : (ulong)image.Length / blockSize / perGroup;
            ulong three = 1, five = 5, seven = 7;
            while (true)
            {
                ulong group = NextBackupGroup(ref three, ref five, ref seven);
                if (group > limit) break;
                superblock = group * perGroup + (blockSize == 1024 ? 1UL : 0UL);
                if (superblock > (ulong)long.MaxValue / blockSize) break;
                if (!image.TryRead((long)superblock * blockSize, SuperblockSize, out var bytes)) continue;
                var sb = new SuperBlockView(bytes);
                if (sb.s_magic == 0xEF53 && sb.s_log_block_size <= 6 && 1024u << (int)sb.s_log_block_size == blockSize) return true;
            }
            if (primary is not null) break;
        }
        superblock = 0;
        return false;
    }

    /// <summary>ext2fs_list_backups without a filesystem: 1, then the powers of 3, 5 and 7 in increasing order.</summary>
    private static ulong NextBackupGroup(ref ulong three, ref ulong five, ref ulong seven)
    {
        ref ulong min = ref three;
        ulong mult = 3;
        if (five < min)
        {
            min = ref five;
            mult = 5;
        }
        if (seven < min)
        {
            min = ref seven;
            mult = 7;
        }
        ulong group = min;
        min *= mult;
        return group;
    }

    /// <summary>
    /// Puts the backup superblock and its descriptor blocks (ext2fs_descriptor_block_loc2 with a backup group_block)
    /// where the primary ones are, then does what ext2fs_open2 does to descriptors read from a backup: with group
    /// descriptor checksums it clears BLOCK_UNINIT and INODE_UNINIT, zeroes bg_itable_unused and reseals each.
    /// </summary>
    private static bool Install(DiskImage view, ulong superblock, uint blockSize)
    {
        view.Read((long)superblock * blockSize, SuperblockSize).CopyTo(view.Write(Ext4FileSystem.SuperBlockOffset, SuperblockSize));
        if (!Ext4FileSystem.TryOpen(view, false, out var fs, out _)) return false;
        var g = fs.Geometry;
        var sb = fs.SuperBlock;
        uint firstMetaBg = g.Has(Ext4FeatureIncompat.INCOMPAT_META_BG) ? Math.Min(sb.s_first_meta_bg, g.DescBlocks) : g.DescBlocks;
        for (uint i = 0; i < g.DescBlocks; i++)
        {
            // ext2fs_open2 reads the blocks before s_first_meta_bg right after the superblock, the rest where loc2 says.
            ulong source = i < firstMetaBg ? superblock + 1 + i : fs.DescriptorBlock(i, superblock);
            ulong target = fs.DescriptorBlock(i);
            if (source == target) continue;
            if (!view.TryRead((long)source * blockSize, (int)blockSize, out var bytes) || !view.TryRead((long)target * blockSize, (int)blockSize, out _)) return false;
            bytes.CopyTo(view.Write((long)target * blockSize, (int)blockSize));
        }
        bool metadataCsum = g.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM);
        if (!metadataCsum && !g.Has(Ext4FeatureRoCompat.RO_COMPAT_GDT_CSUM)) return true;
        byte[] uuid = sb.s_uuid.ToArray();
        for (uint group = 0; group < g.GroupCount; group++)
        {
            var gd = new GroupDescWriter(view.Write(fs.GroupDescriptorOffset(group), (int)g.DescSize, "ext4_group_desc"));
            gd.bg_flags &= ~(Ext4BgFlags.BLOCK_UNINIT | Ext4BgFlags.INODE_UNINIT);
            gd.bg_itable_unused = 0;
            if (metadataCsum) gd.ResealMetadataCsum(fs.ChecksumSeed, group);
            else gd.ResealGdtCsum(uuid, group);
        }
        return true;
    }

    /// <summary>
    /// ext2fs_open2's superblock checks, in its order, for the superblock at <paramref name="offset"/>; null when it
    /// opens. <paramref name="retry"/>: the error is one after which e2fsck tries a backup (bad magic, bad
    /// checksum, corrupt superblock).
    /// </summary>
    private static string? OpenError(DiskImage image, long offset, uint blockSize, Ext4FeatureIncompat known, out bool retry, bool ignoreSuperblockErrors = false)
    {
        retry = false;
        if (!image.TryRead(offset, SuperblockSize, out var bytes)) return "Attempt to read block from filesystem resulted in short read";
        var sb = new SuperBlockView(bytes);
        retry = true;
        if (sb.s_magic != 0xEF53) return "Bad magic number in super-block";
        bool csum = (sb.s_feature_ro_compat & Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM) != 0;
        if (csum && !sb.VerifyCsum()) return "Superblock checksum does not match superblock";
        retry = false;
        if (csum && sb.s_checksum_type != Ext4ChecksumType.CRC32C) return "Unknown checksum algorithm";
        if ((uint)sb.s_rev_level > 1) return "Filesystem revision too high";
        if ((sb.s_feature_incompat & ~known) != 0 || (sb.s_feature_incompat & Ext4FeatureIncompat.INCOMPAT_JOURNAL_DEV) != 0)
            return "Filesystem has unsupported feature(s)";
        retry = true;
        const string corrupt = "The ext2 superblock is corrupt";
        if (sb.s_log_block_size > 6 || sb.s_log_cluster_size > 20 || sb.s_log_block_size > sb.s_log_cluster_size || sb.s_log_groups_per_flex > 31) return corrupt;
        bool bigalloc = (sb.s_feature_ro_compat & Ext4FeatureRoCompat.RO_COMPAT_BIGALLOC) != 0;
        if (!bigalloc && sb.s_log_block_size != sb.s_log_cluster_size) return corrupt;
        uint size = 1024u << (int)sb.s_log_block_size;
        uint inodeSize = sb.s_rev_level == Ext4RevLevel.GOOD_OLD_REV ? 128u : sb.s_inode_size;
        if (inodeSize < 128 || inodeSize > size || (inodeSize & (inodeSize - 1)) != 0) return corrupt;
        if ((sb.s_feature_incompat & Ext4FeatureIncompat.INCOMPAT_64BIT) != 0)
        {
            uint descSize = sb.s_desc_size;
            if (descSize == 0 || (!ignoreSuperblockErrors && (descSize > 1024 || descSize < 64 || (descSize & (descSize - 1)) != 0)))
            {
                retry = false;
                return DescSizeError;
            }
        }
        int ratioBits = (int)(sb.s_log_cluster_size - sb.s_log_block_size);
        if ((ulong)sb.s_blocks_per_group != (ulong)sb.s_clusters_per_group << ratioBits) return corrupt;
        if (blockSize != 0 && blockSize != size)
        {
            retry = false;
            return "Filesystem has unexpected block size";
        }
        uint ipg = sb.s_inodes_per_group;
        if (ipg == 0) return corrupt;
        ulong inodeBlocksPerGroup = ((ulong)ipg * inodeSize + size - 1) / size;
        ulong clusterRatio = 1UL << ratioBits;
        ulong bpg = sb.s_blocks_per_group;
        uint descPerBlock = size / ((sb.s_feature_incompat & Ext4FeatureIncompat.INCOMPAT_64BIT) != 0 ? Math.Max(sb.s_desc_size, 1u) : 32u);
        if (bpg < 8 || bpg > (65536 - 8) * clusterRatio || inodeBlocksPerGroup > 65536 - size / inodeSize || descPerBlock == 0 || sb.s_first_data_block >= sb.s_blocks_count) return corrupt;
        ulong groups = (sb.s_blocks_count - sb.s_first_data_block + bpg - 1) / bpg;
        if (groups >> 32 != 0) return corrupt;
        if (!ignoreSuperblockErrors && groups * ipg != sb.s_inodes_count) return corrupt;
        ulong descBlocks = (groups + descPerBlock - 1) / descPerBlock;
        if (!ignoreSuperblockErrors && (sb.s_feature_incompat & Ext4FeatureIncompat.INCOMPAT_META_BG) != 0 && sb.s_first_meta_bg > descBlocks) return corrupt;
        retry = false;
        return null;
    }

    /// <summary>
    /// ext2fs_check_desc: each group's bitmaps and inode table inside its group (anywhere in the filesystem with
    /// flex_bg) and clear of every superblock and descriptor copy and of each other; null when they are.
    /// </summary>
    internal static string? CheckDesc(Ext4FileSystem fs)
    {
        var g = fs.Geometry;
        if (g.Has(Ext4FeatureIncompat.INCOMPAT_JOURNAL_DEV) || FsckChecker.TooLargeForImage(fs)) return null;
        var used = new Bitset(g.BlocksCount);
        for (uint group = 0; group < g.GroupCount; group++) used.SetRange(fs.GroupFirstBlock(group), (ulong)fs.BaseMetaBlocks(group));
        if (g.BlockSize == 1024 && g.ClusterSize > g.BlockSize) used.Set(0);
        bool flex = g.Has(Ext4FeatureIncompat.INCOMPAT_FLEX_BG);
        ulong first = g.FirstDataBlock, last = g.BlocksCount - 1;
        for (uint group = 0; group < g.GroupCount; group++)
        {
            if (!fs.Image.TryRead(fs.GroupDescriptorOffset(group), (int)g.DescSize, out var bytes)) return $"the descriptor of group {group} lies beyond the image";
            var gd = new GroupDescView(bytes);
            if (!flex)
            {
                first = fs.GroupFirstBlock(group);
                last = Math.Min(first + g.BlocksPerGroup, g.BlocksCount) - 1;
            }
            ulong blk = gd.bg_block_bitmap;
            if (blk < first || blk > last || used.Set(blk)) return $"Corrupt group descriptor: bad block for block bitmap (group {group}, block {blk})";
            blk = gd.bg_inode_bitmap;
            if (blk < first || blk > last || used.Set(blk)) return $"Corrupt group descriptor: bad block for inode bitmap (group {group}, block {blk})";
            blk = gd.bg_inode_table;
            if (blk < first || blk + g.InodeBlocksPerGroup - 1 > last) return $"Corrupt group descriptor: bad block for inode table (group {group}, block {blk})";
            for (ulong b = blk; b < blk + g.InodeBlocksPerGroup; b++)
                if (used.Set(b)) return $"Corrupt group descriptor: bad block for inode table (group {group}, block {b})";
        }
        return null;
    }
}
