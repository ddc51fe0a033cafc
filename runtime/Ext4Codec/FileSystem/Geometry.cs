using Ext4Codec.Format;

namespace Ext4Codec.FileSystem;

/// <summary>
/// The numbers every read depends on (block size, group counts, descriptor layout), derived once from the
/// superblock and checked the way e2fsprogs' ext2fs_open checks them, so later reads cannot divide by zero,
/// overflow, or loop over billions of groups on a hostile superblock.
/// </summary>
public sealed record Geometry
{
    public const uint GoodOldInodeSize = 128;
    public const uint GoodOldFirstInode = 11;

    public uint BlockSize { get; private init; }
    public int LogBlockSize { get; private init; }
    public uint ClusterSize { get; private init; }
    public ulong BlocksCount { get; private init; }
    public uint FirstDataBlock { get; private init; }
    public uint BlocksPerGroup { get; private init; }
    public uint InodesPerGroup { get; private init; }
    public uint InodesCount { get; private init; }
    public uint InodeSize { get; private init; }
    public uint FirstInode { get; private init; }
    public uint DescSize { get; private init; }
    public uint DescPerBlock { get; private init; }
    public uint GroupCount { get; private init; }
    public uint DescBlocks { get; private init; }
    public uint InodeBlocksPerGroup { get; private init; }
    public Ext4FeatureCompat Compat { get; private init; }
    public Ext4FeatureIncompat Incompat { get; private init; }
    public Ext4FeatureRoCompat RoCompat { get; private init; }

    public bool Has(Ext4FeatureCompat f) => (Compat & f) != 0;
    public bool Has(Ext4FeatureIncompat f) => (Incompat & f) != 0;
    public bool Has(Ext4FeatureRoCompat f) => (RoCompat & f) != 0;

    /// <summary>Derives the geometry; <paramref name="error"/> names the superblock field at fault, at its offset in the image.</summary>
    public static bool TryCreate(SuperBlockView sb, long superBlockOffset, out Geometry geometry, out Corruption error)
    {
        geometry = null!;
        Corruption Bad(string field, int fieldOffset, string reason) => new("ext4_super_block", field, superBlockOffset + fieldOffset, reason);

        if (sb.s_magic != 0xEF53)
        {
            error = Bad("s_magic", SuperBlockLayout.Offsets.s_magic, $"bad magic 0x{sb.s_magic:X4}, expected 0xEF53: not an ext2/3/4 filesystem");
            return false;
        }
        if (sb.s_log_block_size > 6)
        {
            error = Bad("s_log_block_size", SuperBlockLayout.Offsets.s_log_block_size, $"Invalid log block size: {sb.s_log_block_size}");
            return false;
        }
        bool bigalloc = (sb.s_feature_ro_compat & Ext4FeatureRoCompat.RO_COMPAT_BIGALLOC) != 0;
        if (sb.s_log_cluster_size > 20 || sb.s_log_cluster_size < sb.s_log_block_size || (!bigalloc && sb.s_log_cluster_size != sb.s_log_block_size))
        {
            error = Bad("s_log_cluster_size", SuperBlockLayout.Offsets.s_log_cluster_size, $"Invalid log cluster size: {sb.s_log_cluster_size}");
            return false;
        }
        uint blockSize = 1024u << (int)sb.s_log_block_size;
        bool dynamic = sb.s_rev_level != Ext4RevLevel.GOOD_OLD_REV;
        uint inodeSize = dynamic ? sb.s_inode_size : GoodOldInodeSize;
        if (inodeSize < GoodOldInodeSize || inodeSize > blockSize || (inodeSize & (inodeSize - 1)) != 0)
        {
            error = Bad("s_inode_size", SuperBlockLayout.Offsets.s_inode_size, $"unsupported inode size: {inodeSize}");
            return false;
        }
        bool is64 = (sb.s_feature_incompat & Ext4FeatureIncompat.INCOMPAT_64BIT) != 0;
        uint descSize = is64 ? sb.s_desc_size : 32u;
        if (is64 && (descSize < 64 || descSize > 1024 || (descSize & (descSize - 1)) != 0))
        {
            error = Bad("s_desc_size", SuperBlockLayout.Offsets.s_desc_size, $"unsupported descriptor size {descSize}");
            return false;
        }
        var g = new Geometry
        {
            BlockSize = blockSize,
            LogBlockSize = (int)sb.s_log_block_size,
            ClusterSize = 1024u << (int)sb.s_log_cluster_size,
            BlocksCount = sb.s_blocks_count,
            FirstDataBlock = sb.s_first_data_block,
            BlocksPerGroup = sb.s_blocks_per_group,
            InodesPerGroup = sb.s_inodes_per_group,
            InodesCount = sb.s_inodes_count,
            InodeSize = inodeSize,
            FirstInode = dynamic ? sb.s_first_ino : GoodOldFirstInode,
            DescSize = descSize,
            DescPerBlock = blockSize / descSize,
            InodeBlocksPerGroup = (uint)(((ulong)sb.s_inodes_per_group * inodeSize + blockSize - 1) / blockSize),
            Compat = sb.s_feature_compat,
            Incompat = sb.s_feature_incompat,
            RoCompat = sb.s_feature_ro_compat,
        };
        // A journal device holds a superblock and a journal, no groups.
        if (g.Has(Ext4FeatureIncompat.INCOMPAT_JOURNAL_DEV))
        {
            geometry = g;
            error = default;
            return true;
        }
        if (sb.s_inodes_per_group == 0)
        {
            error = Bad("s_inodes_per_group", SuperBlockLayout.Offsets.s_inodes_per_group, "inodes per group is 0");
            return false;
        }
        if (sb.s_blocks_per_group < 8 || sb.s_blocks_per_group > 8 * g.ClusterSize * (g.ClusterSize / blockSize))
        {
            error = Bad("s_blocks_per_group", SuperBlockLayout.Offsets.s_blocks_per_group, $"invalid blocks per group: {sb.s_blocks_per_group}");
            return false;
        }
        if (sb.s_first_data_block >= g.BlocksCount)
        {
            error = Bad("s_first_data_block", SuperBlockLayout.Offsets.s_first_data_block, $"first data block {sb.s_first_data_block} is beyond the end of the filesystem ({g.BlocksCount} blocks)");
            return false;
        }
        ulong groups = (g.BlocksCount - g.FirstDataBlock + g.BlocksPerGroup - 1) / g.BlocksPerGroup;
        if (groups >> 32 != 0)
        {
            error = Bad("s_blocks_count_lo", SuperBlockLayout.Offsets.s_blocks_count_lo, $"groups count too large: {groups}");
            return false;
        }
        // ext2fs_open2 and ext4_fill_super both refuse a superblock whose group count disagrees with its inode count.
        if (groups * sb.s_inodes_per_group != sb.s_inodes_count)
        {
            error = Bad("s_inodes_count", SuperBlockLayout.Offsets.s_inodes_count, $"inodes count not valid: {sb.s_inodes_count} vs {groups * sb.s_inodes_per_group} ({groups} groups of {sb.s_inodes_per_group})");
            return false;
        }
        uint descBlocks = (uint)((groups + g.DescPerBlock - 1) / g.DescPerBlock);
        if (g.Has(Ext4FeatureIncompat.INCOMPAT_META_BG) && sb.s_first_meta_bg > descBlocks)
        {
            error = Bad("s_first_meta_bg", SuperBlockLayout.Offsets.s_first_meta_bg, $"first meta block group too large: {sb.s_first_meta_bg} (max {descBlocks})");
            return false;
        }
        geometry = g with { GroupCount = (uint)groups, DescBlocks = descBlocks };
        error = default;
        return true;
    }
}
