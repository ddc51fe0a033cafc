using System.Collections.Generic;
using System.Globalization;
using Ext4Codec.Format;

namespace Ext4Codec.Reports;

/// <summary>
/// The superblock as <c>dumpe2fs -h</c> lists it (libe2p list_super2), line for line and under the same
/// conditions, so its output can be compared with e2fsprogs' field by field. Differences by design: user and
/// group names are not looked up (only the numbers are printed) and times are UTC.
/// </summary>
public static class SuperblockListing
{
    public static List<ReportField> Describe(SuperBlockView sb)
    {
        var f = new List<ReportField>();
        void Add(string label, string value) => f.Add(new ReportField(label, value));
        string U(ulong v) => v.ToString(CultureInfo.InvariantCulture);
        var compat = sb.s_feature_compat;
        var incompat = sb.s_feature_incompat;
        var roCompat = sb.s_feature_ro_compat;
        bool Has(Ext4FeatureCompat c) => (compat & c) != 0;
        bool HasI(Ext4FeatureIncompat c) => (incompat & c) != 0;
        bool HasR(Ext4FeatureRoCompat c) => (roCompat & c) != 0;

        uint blockSize = sb.s_log_block_size < 32 ? 1024u << (int)System.Math.Min(sb.s_log_block_size, 21) : 0;
        uint clusterSize = sb.s_log_cluster_size < 32 ? 1024u << (int)System.Math.Min(sb.s_log_cluster_size, 21) : 0;
        uint inodeSize = sb.s_rev_level == Ext4RevLevel.GOOD_OLD_REV ? 128u : sb.s_inode_size;

        string volume = E2pNames.FixedString(sb.s_volume_name);
        Add("Filesystem volume name:", volume.Length > 0 ? volume : "<none>");
        string lastMounted = E2pNames.FixedString(sb.s_last_mounted);
        Add("Last mounted on:", lastMounted.Length > 0 ? lastMounted : "<not available>");
        Add("Filesystem UUID:", E2pNames.Uuid(sb.s_uuid));
        Add("Filesystem magic number:", "0x" + sb.s_magic.ToString("X4", CultureInfo.InvariantCulture));
        uint rev = (uint)sb.s_rev_level;
        Add("Filesystem revision #:", U(rev) + (rev == 0 ? " (original)" : rev == 1 ? " (dynamic)" : " (unknown)"));
        var features = E2pNames.SuperblockFeatures(sb);
        Add("Filesystem features:", features.Count > 0 ? string.Join(" ", features) : "(none)");
        uint flags = (uint)sb.s_flags;
        if (flags != 0)
        {
            var names = new List<string>();
            if ((flags & 1) != 0) names.Add("signed_directory_hash");
            if ((flags & 2) != 0) names.Add("unsigned_directory_hash");
            if ((flags & 4) != 0) names.Add("test_filesystem");
            Add("Filesystem flags:", names.Count > 0 ? string.Join(" ", names) + " " : "(none)");
        }
        var mount = E2pNames.MountOptions((uint)sb.s_default_mount_opts);
        Add("Default mount options:", mount.Count > 0 ? string.Join(" ", mount) : "(none)");
        string mountOpts = E2pNames.FixedString(sb.s_mount_opts);
        if (mountOpts.Length > 0) Add("Mount options:", mountOpts);
        uint state = (uint)sb.s_state;
        Add("Filesystem state:", ((state & 1) != 0 ? "clean" : "not clean") + ((state & 2) != 0 ? " with errors" : ""));
        Add("Errors behavior:", E2pNames.EnumName(Ext4ErrorsInfo.Layout, (ulong)sb.s_errors, "Unknown (continue)"));
        Add("Filesystem OS type:", E2pNames.EnumName(Ext4CreatorOsInfo.Layout, (ulong)sb.s_creator_os, "(unknown os)"));
        Add("Inode count:", U(sb.s_inodes_count));
        Add("Block count:", U(sb.s_blocks_count));
        Add("Reserved block count:", U(sb.s_r_blocks_count));
        if (sb.s_overhead_clusters != 0) Add("Overhead clusters:", U(sb.s_overhead_clusters));
        Add("Free blocks:", U(sb.s_free_blocks_count));
        Add("Free inodes:", U(sb.s_free_inodes_count));
        Add("First block:", U(sb.s_first_data_block));
        Add("Block size:", U(blockSize));
        bool bigalloc = HasR(Ext4FeatureRoCompat.RO_COMPAT_BIGALLOC);
        Add(bigalloc ? "Cluster size:" : "Fragment size:", U(clusterSize));
        if (HasI(Ext4FeatureIncompat.INCOMPAT_64BIT)) Add("Group descriptor size:", U(sb.s_desc_size));
        if (sb.s_reserved_gdt_blocks != 0) Add("Reserved GDT blocks:", U(sb.s_reserved_gdt_blocks));
        Add("Blocks per group:", U(sb.s_blocks_per_group));
        Add(bigalloc ? "Clusters per group:" : "Fragments per group:", U(sb.s_clusters_per_group));
        Add("Inodes per group:", U(sb.s_inodes_per_group));
        // The unsigned 32-bit arithmetic of list_super2, overflow included.
        uint inodeBlocks = blockSize == 0 ? 0 : (uint)(sb.s_inodes_per_group * inodeSize + blockSize - 1) / blockSize;
        Add("Inode blocks per group:", U(inodeBlocks));
        if (sb.s_raid_stride != 0) Add("RAID stride:", U(sb.s_raid_stride));
        if (sb.s_raid_stripe_width != 0) Add("RAID stripe width:", U(sb.s_raid_stripe_width));
        if (sb.s_first_meta_bg != 0) Add("First meta block group:", U(sb.s_first_meta_bg));
        if (sb.s_log_groups_per_flex != 0) Add("Flex block group size:", U(1u << (sb.s_log_groups_per_flex & 31)));
        if (sb.s_mkfs_time_full != 0) Add("Filesystem created:", E2pNames.CTime(sb.s_mkfs_time_full));
        Add("Last mount time:", sb.s_mtime_full != 0 ? E2pNames.CTime(sb.s_mtime_full) : "n/a");
        Add("Last write time:", E2pNames.CTime(sb.s_wtime_full));
        Add("Mount count:", U(sb.s_mnt_count));
        Add("Maximum mount count:", sb.s_max_mnt_count.ToString(CultureInfo.InvariantCulture));
        Add("Last checked:", E2pNames.CTime(sb.s_lastcheck_full));
        Add("Check interval:", U(sb.s_checkinterval) + " (" + E2pNames.Interval(sb.s_checkinterval) + ")");
        if (sb.s_checkinterval != 0) Add("Next check after:", E2pNames.CTime(sb.s_lastcheck_full + sb.s_checkinterval));
        if (sb.s_kbytes_written != 0) Add("Lifetime writes:", LifetimeWrites(sb.s_kbytes_written));
        Add("Reserved blocks uid:", U(sb.s_def_resuid));
        Add("Reserved blocks gid:", U(sb.s_def_resgid));
        if (rev >= 1)
        {
            Add("First inode:", U(sb.s_first_ino));
            Add("Inode size:", U(sb.s_inode_size));
            if (sb.s_min_extra_isize != 0) Add("Required extra isize:", U(sb.s_min_extra_isize));
            if (sb.s_want_extra_isize != 0) Add("Desired extra isize:", U(sb.s_want_extra_isize));
        }
        if (!E2pNames.IsNullUuid(sb.s_journal_uuid)) Add("Journal UUID:", E2pNames.Uuid(sb.s_journal_uuid));
        if (sb.s_journal_inum != 0) Add("Journal inode:", U(sb.s_journal_inum));
        if (sb.s_journal_dev != 0) Add("Journal device:", "0x" + sb.s_journal_dev.ToString("x4", CultureInfo.InvariantCulture));
        if (sb.s_last_orphan != 0) Add("First orphan inode:", U(sb.s_last_orphan));
        if (Has(Ext4FeatureCompat.COMPAT_DIR_INDEX) || sb.s_def_hash_version != 0)
            Add("Default directory hash:", HashName((byte)sb.s_def_hash_version));
        if (!E2pNames.IsNullUuid(sb.s_hash_seed)) Add("Directory Hash Seed:", E2pNames.Uuid(sb.s_hash_seed));
        if (sb.s_jnl_backup_type != 0) Add("Journal backup:", sb.s_jnl_backup_type == 1 ? "inode blocks" : "type " + U(sb.s_jnl_backup_type));
        if (sb.s_backup_bgs(0) != 0 || sb.s_backup_bgs(1) != 0)
            Add("Backup block groups:", (sb.s_backup_bgs(0) != 0 ? U(sb.s_backup_bgs(0)) + " " : "") + (sb.s_backup_bgs(1) != 0 ? U(sb.s_backup_bgs(1)) + " " : ""));
        if (sb.s_snapshot_inum != 0)
        {
            Add("Snapshot inode:", U(sb.s_snapshot_inum));
            Add("Snapshot ID:", U(sb.s_snapshot_id));
            Add("Snapshot reserved blocks:", U(sb.s_snapshot_r_blocks_count));
        }
        if (sb.s_snapshot_list != 0) Add("Snapshot list head:", U(sb.s_snapshot_list));
        if (sb.s_error_count != 0) Add("FS Error count:", U(sb.s_error_count));
        AddError(f, "First", sb.s_first_error_time_full, sb.s_first_error_func, sb.s_first_error_line, sb.s_first_error_ino, sb.s_first_error_block, (byte)sb.s_first_error_errcode);
        AddError(f, "Last", sb.s_last_error_time_full, sb.s_last_error_func, sb.s_last_error_line, sb.s_last_error_ino, sb.s_last_error_block, (byte)sb.s_last_error_errcode);
        if (HasI(Ext4FeatureIncompat.INCOMPAT_MMP))
        {
            Add("MMP block number:", U(sb.s_mmp_block));
            Add("MMP update interval:", U(sb.s_mmp_update_interval));
        }
        if (sb.s_usr_quota_inum != 0) Add("User quota inode:", U(sb.s_usr_quota_inum));
        if (sb.s_grp_quota_inum != 0) Add("Group quota inode:", U(sb.s_grp_quota_inum));
        if (sb.s_prj_quota_inum != 0) Add("Project quota inode:", U(sb.s_prj_quota_inum));
        if (HasR(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM))
        {
            Add("Checksum type:", (byte)sb.s_checksum_type == 1 ? "crc32c" : "unknown");
            Add("Checksum:", "0x" + sb.s_checksum.ToString("x8", CultureInfo.InvariantCulture));
        }
        if (!E2pNames.IsNullUuid(sb.s_encrypt_pw_salt)) Add("Encryption PW Salt:", E2pNames.Uuid(sb.s_encrypt_pw_salt));
        if (HasI(Ext4FeatureIncompat.INCOMPAT_CSUM_SEED)) Add("Checksum seed:", "0x" + sb.s_checksum_seed.ToString("x8", CultureInfo.InvariantCulture));
        if (HasI(Ext4FeatureIncompat.INCOMPAT_CASEFOLD)) Add("Character encoding:", E2pNames.EnumName(Ext4EncodingInfo.Layout, (ulong)sb.s_encoding, "unknown"));
        if (Has(Ext4FeatureCompat.COMPAT_ORPHAN_FILE)) Add("Orphan file inode:", U(sb.s_orphan_file_inum));
        return f;
    }

    private static void AddError(List<ReportField> f, string which, ulong time, System.ReadOnlySpan<byte> func, uint line, uint ino, ulong block, byte code)
    {
        if (time == 0) return;
        string w = which + " error";
        f.Add(new ReportField(w + " time:", E2pNames.CTime(time)));
        f.Add(new ReportField(w + " function:", E2pNames.FixedString(func)));
        f.Add(new ReportField(w + " line #:", line.ToString(CultureInfo.InvariantCulture)));
        if (ino != 0) f.Add(new ReportField(w + " inode #:", ino.ToString(CultureInfo.InvariantCulture)));
        if (block != 0) f.Add(new ReportField(w + " block #:", block.ToString(CultureInfo.InvariantCulture)));
        if (code != 0) f.Add(new ReportField(w + " err:", E2pNames.EnumName(Ext4ErrorCodeInfo.Layout, code, "UNKNOWN_ERRCODE_" + code.ToString(CultureInfo.InvariantCulture))));
    }

    /// <summary>libe2p prints only legacy, half_md4 and tea by name.</summary>
    private static string HashName(byte version) => version switch
    {
        0 => "legacy",
        1 => "half_md4",
        2 => "tea",
        _ => "HASHALG_" + version.ToString(CultureInfo.InvariantCulture),
    };

    private static string LifetimeWrites(ulong kb)
    {
        if (kb < 1UL << 13) return kb + " kB";
        if (kb < 1UL << 23) return ((kb + (1UL << 9)) >> 10) + " MB";
        if (kb < 1UL << 33) return ((kb + (1UL << 19)) >> 20) + " GB";
        if (kb < 1UL << 43) return ((kb + (1UL << 29)) >> 30) + " TB";
        return ((kb + (1UL << 39)) >> 40) + " PB";
    }
}
