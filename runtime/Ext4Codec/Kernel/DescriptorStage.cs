using Ext4Codec.Format;

namespace Ext4Codec.Kernel;

/// <summary>ext4_group_desc_init and ext4_check_descriptors (fs/ext4/super.c), then the stripe fixup that follows them.</summary>
internal static class DescriptorStage
{
    public static bool GroupDescInit(SbInfo sbi, MountLog log)
    {
        var es = sbi.es;
        uint dpb = sbi.s_desc_per_block;
        uint dbCount = (uint)(((ulong)sbi.s_groups_count + dpb - 1) / dpb);
        if (sbi.Has(Ext4FeatureIncompat.INCOMPAT_META_BG) && es.s_first_meta_bg > dbCount)
            return log.Fail("K_FIRST_META_BG_TOO_LARGE", Errno.EINVAL, "first meta block group too large: " + MountLog.U(es.s_first_meta_bg) + " (group descriptor block count " + MountLog.U(dbCount) + ")");
        sbi.s_gdb_count = dbCount;
        for (uint i = 0; i < dbCount; i++)
        {
            if (!sbi.Disk.TryReadBlock(sbi.DescriptorLoc(i), sbi.s_blocksize, out _))
                return log.Fail("K_GDT_READ", Errno.EIO, "can't read group descriptor " + MountLog.U(i));
        }
        return CheckDescriptors(sbi, log);
    }

    /// <summary>
    /// ext4_check_descriptors: each group's bitmaps and inode table inside its range, not over the superblock or
    /// the primary descriptors, and the descriptor checksum. The overlap and checksum failures refuse only a
    /// read-write mount (on a read-only one they are printed and the loop goes on).
    /// </summary>
    private static bool CheckDescriptors(SbInfo sbi, MountLog log)
    {
        var es = sbi.es;
        ulong sbBlock = sbi.LogicalSbBlock;
        ulong first = es.s_first_data_block;
        ulong lastBgBlock = sbBlock + sbi.BgNumGdb(0);
        bool flexBg = sbi.Has(Ext4FeatureIncompat.INCOMPAT_FLEX_BG);
        bool checksummed = sbi.MetadataCsum || sbi.Has(Ext4FeatureRoCompat.RO_COMPAT_GDT_CSUM);
        for (uint i = 0; i < sbi.s_groups_count; i++)
        {
            var gdp = sbi.GroupDesc(i);
            ulong last = i == sbi.s_groups_count - 1 || flexBg ? sbi.BlocksCount - 1 : first + sbi.s_blocks_per_group - 1;
            string g = MountLog.U(i);
            if (!CheckBlock(sbi, log, gdp.bg_block_bitmap, 1, sbBlock, lastBgBlock, first, last, "Block bitmap for group " + g, "K_GD_BBITMAP")) return false;
            if (!CheckBlock(sbi, log, gdp.bg_inode_bitmap, 1, sbBlock, lastBgBlock, first, last, "Inode bitmap for group " + g, "K_GD_IBITMAP")) return false;
            if (!CheckBlock(sbi, log, gdp.bg_inode_table, sbi.s_itb_per_group, sbBlock, lastBgBlock, first, last, "Inode table for group " + g, "K_GD_ITABLE")) return false;
            if (checksummed)
            {
                ushort computed = sbi.MetadataCsum ? (ushort)gdp.ComputeMetadataCsum(sbi.s_csum_seed, i) : gdp.ComputeGdtCsum(es.s_uuid, i);
                if (computed != gdp.bg_checksum && !RoOk(sbi, log, "K_GD_CSUM", "ext4_check_descriptors: Checksum for group " + g + " failed (" + MountLog.U(computed) + "!=" + MountLog.U(gdp.bg_checksum) + ")"))
                    return false;
            }
            if (!flexBg) first += sbi.s_blocks_per_group;
        }
        return true;
    }

    private static bool CheckBlock(SbInfo sbi, MountLog log, ulong block, ulong count, ulong sbBlock, ulong lastBgBlock, ulong first, ulong last, string what, string checkId)
    {
        if (block == sbBlock && !RoOk(sbi, log, checkId + "_OVERLAPS_SB", "ext4_check_descriptors: " + what + " overlaps superblock")) return false;
        if (block >= sbBlock + 1 && block <= lastBgBlock && !RoOk(sbi, log, checkId + "_OVERLAPS_GDT", "ext4_check_descriptors: " + what + " overlaps block group descriptors")) return false;
        if (block < first || block + count - 1 > last)
        {
            string line = "ext4_check_descriptors: " + what + " not in group (block " + MountLog.U(block) + ")!";
            log.Add(line);
            return Corrupted(log, checkId + "_NOT_IN_GROUP", line);
        }
        return true;
    }

    /// <summary>A check that only a read-write mount fails on: printed either way.</summary>
    private static bool RoOk(SbInfo sbi, MountLog log, string checkId, string line)
    {
        log.Add(line);
        return sbi.ReadOnly || Corrupted(log, checkId, line);
    }

    private static bool Corrupted(MountLog log, string checkId, string line)
    {
        log.Add("group descriptors corrupted!");
        return log.Refuse(checkId, Errno.EUCLEAN, line);
    }

    /// <summary>The stripe the allocator uses is dropped, with a warning, when the cluster ratio does not divide it.</summary>
    public static void CheckStripe(SbInfo sbi, MountLog log)
    {
        var es = sbi.es;
        ulong stripe = es.s_raid_stripe_width != 0 && es.s_raid_stripe_width <= sbi.s_blocks_per_group ? es.s_raid_stripe_width
            : es.s_raid_stride != 0 && es.s_raid_stride <= sbi.s_blocks_per_group ? es.s_raid_stride
            : 0UL;
        if (stripe <= 1) return;
        if (sbi.s_cluster_ratio > 1 && stripe % sbi.s_cluster_ratio != 0)
            log.Add("stripe (" + MountLog.U(stripe) + ") is not aligned with cluster size (" + MountLog.U(sbi.s_cluster_ratio) + "), stripe is disabled");
    }
}
