using Ext4Codec.Format;

namespace Ext4Codec.Kernel;

/// <summary>
/// An inode as __ext4_iget leaves it in memory: i_size as ext4_isize reads it, i_blocks as ext4_inode_blocks
/// does, i_file_acl with its high half only on 64bit filesystems, whether inline data was found, and where the raw
/// inode lies on the device.
/// </summary>
internal sealed class KernelInode
{
    public required uint Ino { get; init; }

    /// <summary>Byte offset of the raw inode on the device.</summary>
    public required long Offset { get; init; }

    public ushort i_mode { get; init; }

    public ushort i_links_count { get; init; }

    public Ext4InodeFlags i_flags { get; init; }

    public long i_size { get; init; }

    /// <summary>In 512-byte units.</summary>
    public ulong i_blocks { get; init; }

    public ulong i_file_acl { get; init; }

    /// <summary>ei->i_csum_seed: crc32c(crc32c(fs seed, le32 ino), le32 i_generation).</summary>
    public uint i_csum_seed { get; init; }

    /// <summary>ext4_has_inline_data: INLINE_DATA_FL and a system.data attribute in the inode.</summary>
    public bool HasInlineData { get; init; }

    public Ext4InodeType Type => (Ext4InodeType)(i_mode & 0xF000);

    public bool Has(Ext4InodeFlags flag) => (i_flags & flag) != 0;

    /// <summary>ext4_inode_is_fast_symlink: the target lives in i_block.</summary>
    public bool IsFastSymlink(uint clusterSize)
    {
        if (Has(Ext4InodeFlags.EA_INODE_FL)) return Type == Ext4InodeType.S_IFLNK && i_size > 0 && i_size < 60;
        if (HasInlineData) return false;
        ulong eaBlocks = i_file_acl != 0 ? clusterSize >> 9 : 0;
        return Type == Ext4InodeType.S_IFLNK && i_blocks - eaBlocks == 0;
    }
}
