using Ext4Codec.Format;

namespace Ext4Codec.Kernel;

/// <summary>
/// ext4_block_group_meta_init, ext4_hash_info_init, ext4_handle_clustersize and ext4_check_geometry
/// (fs/ext4/super.c): the group layout the rest of the mount relies on.
/// </summary>
internal static class GeometryStage
{
    private const uint MinDescSize64Bit = 64;
    private const uint MaxDescSize = 1024;
    private const byte DxHashLast = 6;

    public static bool BlockGroupMetaInit(SbInfo sbi, MountLog log)
    {
        var es = sbi.es;
        if (sbi.Has(Ext4FeatureIncompat.INCOMPAT_64BIT))
        {
            uint size = es.s_desc_size;
            if (size < MinDescSize64Bit || size > MaxDescSize || (size & (size - 1)) != 0)
                return log.Fail("K_BAD_DESC_SIZE", Errno.EINVAL, "unsupported descriptor size " + MountLog.U(size));
            sbi.s_desc_size = size;
        }
        else
        {
            sbi.s_desc_size = 32;
        }
        sbi.s_blocks_per_group = es.s_blocks_per_group;
        sbi.s_inodes_per_group = es.s_inodes_per_group;
        sbi.s_inodes_per_block = sbi.s_blocksize / sbi.s_inode_size;
        if (sbi.s_blocks_per_group == 0)
            return log.Fail("K_ZERO_BLOCKS_PER_GROUP", Errno.EINVAL, "VFS: Can't find ext4 filesystem");
        if (sbi.s_inodes_per_group < sbi.s_inodes_per_block || sbi.s_inodes_per_group > sbi.s_blocksize * 8)
            return log.Fail("K_BAD_INODES_PER_GROUP", Errno.EINVAL, "invalid inodes per group: " + MountLog.U(sbi.s_inodes_per_group));
        // Truncated: an inodes-per-group count that is not a multiple of inodes per block is accepted.
        sbi.s_itb_per_group = sbi.s_inodes_per_group / sbi.s_inodes_per_block;
        sbi.s_desc_per_block = sbi.s_blocksize / sbi.s_desc_size;
        return true;
    }

    public static bool HashInfoInit(SbInfo sbi, MountLog log)
    {
        byte hash = (byte)sbi.es.s_def_hash_version;
        if (hash > DxHashLast) return log.Fail("K_BAD_DEF_HASH", Errno.EINVAL, "Invalid default hash set in the superblock");
        if (hash == DxHashLast) return log.Fail("K_SIPHASH_DEFAULT", Errno.EINVAL, "SIPHASH is not a valid default hash value");
        return true;
    }

    public static bool HandleClusterSize(SbInfo sbi, MountLog log)
    {
        var es = sbi.es;
        ulong clusterSize = 1024UL << (int)es.s_log_cluster_size;
        ulong bs = sbi.s_blocksize;
        if (sbi.Has(Ext4FeatureRoCompat.RO_COMPAT_BIGALLOC))
        {
            if (clusterSize < bs)
                return log.Fail("K_CLUSTER_LT_BLOCK", Errno.EINVAL, "cluster size (" + MountLog.U(clusterSize) + ") smaller than block size (" + MountLog.U(bs) + ")");
            sbi.s_clusters_per_group = es.s_clusters_per_group;
            if (sbi.s_clusters_per_group > bs * 8)
                return log.Fail("K_CPG_TOO_BIG", Errno.EINVAL, "#clusters per group too big: " + MountLog.U(sbi.s_clusters_per_group));
            if (sbi.s_blocks_per_group != (ulong)sbi.s_clusters_per_group * (clusterSize / bs))
                return log.Fail("K_BPG_CPG_MISMATCH", Errno.EINVAL, "blocks per group (" + MountLog.U(sbi.s_blocks_per_group) + ") and clusters per group (" + MountLog.U(sbi.s_clusters_per_group) + ") inconsistent");
        }
        else
        {
            if (clusterSize != bs)
                return log.Fail("K_CLUSTER_NE_BLOCK", Errno.EINVAL, "fragment/cluster size (" + MountLog.U(clusterSize) + ") != block size (" + MountLog.U(bs) + ")");
            if (sbi.s_blocks_per_group > bs * 8)
                return log.Fail("K_BPG_TOO_BIG", Errno.EINVAL, "#blocks per group too big: " + MountLog.U(sbi.s_blocks_per_group));
            // Observed on 6.18 (fuzzed images, docs/fuzz-differential.md): without bigalloc too, s_clusters_per_group must
            // equal s_blocks_per_group.
            if (es.s_clusters_per_group != sbi.s_blocks_per_group)
                return log.Fail("K_BPG_CPG_MISMATCH", Errno.EINVAL, "blocks per group (" + MountLog.U(sbi.s_blocks_per_group) + ") and clusters per group (" + MountLog.U(es.s_clusters_per_group) + ") inconsistent");
            sbi.s_clusters_per_group = sbi.s_blocks_per_group;
        }
        sbi.s_cluster_ratio = (uint)(clusterSize / bs);
        return true;
    }

    public static bool CheckGeometry(SbInfo sbi, MountLog log)
    {
        var es = sbi.es;
        if (es.s_reserved_gdt_blocks > sbi.s_blocksize / 4)
            return log.Fail("K_RESERVED_GDT_TOO_LARGE", Errno.EINVAL, "Number of reserved GDT blocks insanely large: " + MountLog.U(es.s_reserved_gdt_blocks));
        ulong blocks = sbi.BlocksCount;
        if (!Addressable(sbi.s_blocksize_bits, blocks))
            return log.Fail("K_TOO_LARGE_ADDRESSABLE", Errno.EFBIG, "filesystem too large to mount safely on this system");
        ulong device = sbi.Disk.Blocks(sbi.s_blocksize);
        if (device != 0 && blocks > device)
            return log.Fail("K_BLOCKS_EXCEED_DEVICE", Errno.EINVAL, "bad geometry: block count " + MountLog.U(blocks) + " exceeds size of device (" + MountLog.U(device) + " blocks)");
        if (es.s_first_data_block >= blocks)
            return log.Fail("K_FIRST_DATA_BLOCK_BEYOND_END", Errno.EINVAL, "bad geometry: first data block " + MountLog.U(es.s_first_data_block) + " is beyond end of filesystem (" + MountLog.U(blocks) + ")");
        if (es.s_first_data_block == 0 && es.s_log_block_size == 0 && sbi.s_cluster_ratio == 1)
            return log.Fail("K_FIRST_DATA_BLOCK_ZERO_1K", Errno.EINVAL, "bad geometry: first data block is 0 with a 1k block and cluster size");
        ulong groups = (blocks - es.s_first_data_block + sbi.s_blocks_per_group - 1) / sbi.s_blocks_per_group;
        if (groups > (1UL << 32) - sbi.s_desc_per_block)
            return log.Fail("K_GROUPS_COUNT_TOO_LARGE", Errno.EINVAL, "groups count too large: " + MountLog.U(groups) + " (block count " + MountLog.U(blocks) +
                ", first data block " + MountLog.U(es.s_first_data_block) + ", blocks per group " + MountLog.U(sbi.s_blocks_per_group) + ")");
        sbi.s_groups_count = (uint)groups;
        ulong inodes = groups * sbi.s_inodes_per_group;
        if (inodes != es.s_inodes_count)
            return log.Fail("K_INODES_COUNT_MISMATCH", Errno.EINVAL, "inodes count not valid: " + MountLog.U(es.s_inodes_count) + " vs " + MountLog.U(inodes));
        return true;
    }

    /// <summary>generic_check_addressable on a 64-bit kernel with 4 KiB pages: the last block's sector and page must fit in 64 bits.</summary>
    private static bool Addressable(int blockSizeBits, ulong blocks)
    {
        if (blocks == 0) return true;
        ulong last = blocks - 1;
        return last <= ulong.MaxValue >> (blockSizeBits - 9);
    }
}
