using System;
using Ext4Codec.Format;

namespace Ext4Codec.Kernel;

/// <summary>
/// What one mount attempt knows about the filesystem, as ext4_sb_info and the super_block hold it: the on-disk
/// superblock (<see cref="es"/>), the values __ext4_fill_super derives from it, the mount state and options, and the
/// journal and system zone once they exist. The geometry helpers follow the kernel (fs/ext4/balloc.c, super.c), which
/// differs from e2fsprogs' at the edges (descriptor_loc counts from the superblock's block, not s_first_data_block;
/// meta_bg groups before s_first_meta_bg reserve s_first_meta_bg descriptor blocks).
/// </summary>
internal sealed class SbInfo(MountContext context, MountRequest request, byte[] superblock)
{
    public MountContext Context { get; } = context;

    public KernelDisk Disk => Context.Disk;

    public KernelProfile Profile => Context.Profile;

    public MountRequest Request { get; } = request;

    /// <summary>The primary superblock as loaded (EXT4_SB(sb)->s_es).</summary>
    public SuperBlockView es => new(superblock);

    /// <summary>sb_rdonly(): asked for, or forced by RO_COMPAT_READONLY or a high revision.</summary>
    public bool ReadOnly { get; set; } = request.ReadOnly;

    public bool NoLoad => Request.NoLoad;

    /// <summary>The check and line that made a read-write request read-only, or empty.</summary>
    public (string CheckId, string Line) ForcedReadOnly { get; set; } = ("", "");

    public uint s_blocksize { get; set; }

    public int s_blocksize_bits { get; set; }

    /// <summary>The block that holds the superblock at this block size (1 for 1 KiB blocks, else 0).</summary>
    public ulong LogicalSbBlock { get; set; }

    public uint s_inode_size { get; set; }

    public uint s_first_ino { get; set; }

    public uint s_desc_size { get; set; }

    public uint s_blocks_per_group { get; set; }

    public uint s_clusters_per_group { get; set; }

    public uint s_inodes_per_group { get; set; }

    public uint s_inodes_per_block { get; set; }

    public uint s_itb_per_group { get; set; }

    public uint s_desc_per_block { get; set; }

    public uint s_cluster_ratio { get; set; } = 1;

    public uint s_groups_count { get; set; }

    public uint s_gdb_count { get; set; }

    public uint s_csum_seed { get; set; }

    /// <summary>s_state as loaded (without EXT4_FC_REPLAY), plus ERROR_FS once an ext4_error() is printed.</summary>
    public Ext4State s_mount_state { get; set; }

    /// <summary>The data= mode in effect: from s_default_mount_opts, then the journal's default.</summary>
    public DataMode DataMode { get; set; }

    /// <summary>The journal once loaded (sbi->s_journal), else null.</summary>
    public LoadedJournal? s_journal { get; set; }

    /// <summary>The orphan file as ext4_init_orphan_info found it.</summary>
    public OrphanInfo s_orphan_info { get; } = new();

    /// <summary>The block_validity zones once published (sbi->s_system_blks), else null.</summary>
    public SystemZone? s_system_blks { get; set; }

    public ulong BlocksCount => es.s_blocks_count;

    public bool MetadataCsum => Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM);

    public bool Has(Ext4FeatureCompat f) => (es.s_feature_compat & f) != 0;

    public bool Has(Ext4FeatureIncompat f) => (es.s_feature_incompat & f) != 0;

    public bool Has(Ext4FeatureRoCompat f) => (es.s_feature_ro_compat & f) != 0;

    /// <summary>Records an ext4_error() line: the kernel marks the filesystem with errors (ext4_handle_error).</summary>
    public void Ext4Error(MountLog log, string line)
    {
        log.Add(line);
        s_mount_state |= Ext4State.ERROR_FS;
    }

    /// <summary>
    /// ext4_inode_block_valid: the range lies after s_first_data_block and inside the filesystem, and once the
    /// system zone exists, overlaps no zone of another owner.
    /// </summary>
    public bool InodeBlockValid(uint ino, ulong start, ulong count)
    {
        ulong end = start + count;
        if (start <= es.s_first_data_block || end < start || end > BlocksCount) return false;
        return s_system_blks is null || s_system_blks.Allows(start, count, ino);
    }

    public ulong GroupFirstBlock(uint group) => es.s_first_data_block + (ulong)group * s_blocks_per_group;

    /// <summary>ext4_bg_has_super.</summary>
    public bool BgHasSuper(uint group)
    {
        if (group == 0) return true;
        if (Has(Ext4FeatureCompat.COMPAT_SPARSE_SUPER2)) return group == es.s_backup_bgs(0) || group == es.s_backup_bgs(1);
        if (group <= 1 || !Has(Ext4FeatureRoCompat.RO_COMPAT_SPARSE_SUPER)) return true;
        if ((group & 1) == 0) return false;
        return IsPowerOf(group, 3) || IsPowerOf(group, 5) || IsPowerOf(group, 7);
    }

    private static bool IsPowerOf(uint n, uint b)
    {
        ulong p = b;
        while (p < n) p *= b;
        return p == n;
    }

    /// <summary>ext4_bg_num_gdb: descriptor blocks stored in the group (its backup copy, or its meta_bg block).</summary>
    public uint BgNumGdb(uint group)
    {
        if (!Has(Ext4FeatureIncompat.INCOMPAT_META_BG) || group / s_desc_per_block < es.s_first_meta_bg) return BgNumGdbNoMeta(group);
        return BgNumGdbMeta(group);
    }

    private uint BgNumGdbNoMeta(uint group)
        => !BgHasSuper(group) ? 0 : Has(Ext4FeatureIncompat.INCOMPAT_META_BG) ? es.s_first_meta_bg : s_gdb_count;

    private uint BgNumGdbMeta(uint group)
    {
        uint first = group / s_desc_per_block * s_desc_per_block;
        return group == first || group == first + 1 || group == first + s_desc_per_block - 1 ? 1u : 0u;
    }

    /// <summary>ext4_num_base_meta_blocks: superblock copy, descriptor blocks and reserved GDT blocks at the group's start.</summary>
    public ulong NumBaseMetaBlocks(uint group)
    {
        ulong num = BgHasSuper(group) ? 1u : 0u;
        if (!Has(Ext4FeatureIncompat.INCOMPAT_META_BG) || group < (ulong)es.s_first_meta_bg * s_desc_per_block)
        {
            if (num != 0) num += BgNumGdbNoMeta(group) + (ulong)es.s_reserved_gdt_blocks;
        }
        else
        {
            num += BgNumGdbMeta(group);
        }
        return num;
    }

    /// <summary>descriptor_loc: where descriptor block <paramref name="nr"/> lives.</summary>
    public ulong DescriptorLoc(uint nr)
    {
        if (!Has(Ext4FeatureIncompat.INCOMPAT_META_BG) || nr < es.s_first_meta_bg) return LogicalSbBlock + nr + 1;
        uint bg = s_desc_per_block * nr;
        ulong hasSuper = BgHasSuper(bg) ? 1u : 0u;
        // A 1 KiB-block meta_bg filesystem whose group 0 starts at block 0 (bigalloc) keeps its first descriptor at block 2.
        if (s_blocksize == 1024 && nr == 0 && es.s_first_data_block == 0) hasSuper++;
        return hasSuper + GroupFirstBlock(bg);
    }

    /// <summary>ext4_get_group_desc, over the descriptor blocks group_desc_init has read.</summary>
    public GroupDescView GroupDesc(uint group)
    {
        ulong block = DescriptorLoc(group / s_desc_per_block);
        long offset = (long)block * s_blocksize + (long)(group % s_desc_per_block) * s_desc_size;
        return Disk.TryRead(offset, (int)s_desc_size, out var data) ? new GroupDescView(data) : throw new InvalidOperationException("group descriptors are read before use");
    }
}
