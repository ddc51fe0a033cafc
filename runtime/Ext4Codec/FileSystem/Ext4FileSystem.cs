using System;
using Ext4Codec.Format;
using Ext4Codec.Imaging;

namespace Ext4Codec.FileSystem;

/// <summary>
/// An ext2/3/4 filesystem on a <see cref="DiskImage"/>: the superblock, group descriptors, inodes and blocks,
/// read in place. Every read is bounds checked against the image; malformed metadata raises
/// <see cref="CorruptDataException"/> naming the structure, field and byte offset in the image.
/// </summary>
public sealed class Ext4FileSystem : IDisposable
{
    /// <summary>The primary superblock's byte offset, whatever the block size.</summary>
    public const long SuperBlockOffset = 1024;

    private readonly bool _ownsImage;

    private Ext4FileSystem(DiskImage image, Geometry geometry, bool ownsImage)
    {
        Image = image;
        Geometry = geometry;
        _ownsImage = ownsImage;
        ChecksumSeed = ComputeChecksumSeed(SuperBlock);
    }

    public DiskImage Image { get; }

    public Geometry Geometry { get; }

    /// <summary>The seed every metadata checksum but the superblock's starts from.</summary>
    public uint ChecksumSeed { get; }

    public SuperBlockView SuperBlock => new(Image.Read(SuperBlockOffset, SuperBlockView.Size, "ext4_super_block"));

    /// <summary>Opens an image file read-only.</summary>
    /// <exception cref="CorruptDataException">No usable ext2/3/4 superblock.</exception>
    public static Ext4FileSystem Open(string path)
    {
        var image = DiskImage.Open(path);
        try
        {
            return Open(image, ownsImage: true);
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    /// <exception cref="CorruptDataException">No usable ext2/3/4 superblock.</exception>
    public static Ext4FileSystem Open(DiskImage image, bool ownsImage = false)
    {
        if (!TryOpen(image, ownsImage, out var fs, out var error)) throw error.ToException();
        return fs;
    }

    public static bool TryOpen(DiskImage image, bool ownsImage, out Ext4FileSystem fs, out Corruption error)
    {
        fs = null!;
        if (!image.TryRead(SuperBlockOffset, SuperBlockView.Size, out var bytes))
        {
            error = new Corruption("ext4_super_block", "", SuperBlockOffset, $"the image ({image.Length} bytes) is too short to hold a superblock at byte 1024");
            return false;
        }
        if (!Geometry.TryCreate(new SuperBlockView(bytes), SuperBlockOffset, out var geometry, out error)) return false;
        fs = new Ext4FileSystem(image, geometry, ownsImage);
        return true;
    }

    /// <summary>s_checksum_seed with metadata_csum_seed, else crc32c(~0, s_uuid) (ext4_init_metadata_csum).</summary>
    public static uint ComputeChecksumSeed(SuperBlockView sb)
        => (sb.s_feature_incompat & Ext4FeatureIncompat.INCOMPAT_CSUM_SEED) != 0 ? sb.s_checksum_seed : Crc32C.Append(0xFFFFFFFF, sb.s_uuid);

    /// <summary>Seed of the checksums of an inode's own blocks: crc32c(crc32c(fs seed, le32 ino), le32 generation).</summary>
    public uint InodeChecksumSeed(uint ino, uint generation)
    {
        Span<byte> le = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(le, ino);
        uint crc = Crc32C.Append(ChecksumSeed, le);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(le, generation);
        return Crc32C.Append(crc, le);
    }

    /// <exception cref="CorruptDataException">The block lies beyond the image.</exception>
    public ReadOnlySpan<byte> ReadBlock(ulong block, string structure = "block")
    {
        if (block > (ulong)long.MaxValue / Geometry.BlockSize)
            throw new Corruption(structure, "", 0, $"block {block} is beyond any image").ToException();
        return Image.Read((long)block * Geometry.BlockSize, (int)Geometry.BlockSize, structure);
    }

    /// <summary>Whether group <paramref name="group"/> holds a superblock backup (sparse_super, sparse_super2).</summary>
    public bool GroupHasSuper(uint group)
    {
        if (group == 0) return true;
        if (Geometry.Has(Ext4FeatureCompat.COMPAT_SPARSE_SUPER2))
        {
            var sb = SuperBlock;
            return group == sb.s_backup_bgs(0) || group == sb.s_backup_bgs(1);
        }
        if (group <= 1 || !Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_SPARSE_SUPER)) return true;
        if ((group & 1) == 0) return false;
        return IsPowerOf(group, 3) || IsPowerOf(group, 5) || IsPowerOf(group, 7);
    }

    private static bool IsPowerOf(uint n, uint b)
    {
        ulong p = b;
        while (p < n) p *= b;
        return p == n;
    }

    /// <summary>
    /// ext4_num_base_meta_clusters: blocks at the group's start taken by a superblock copy, descriptor blocks and
    /// reserved descriptor blocks (or, past s_first_meta_bg, the meta_bg descriptor copy).
    /// </summary>
    public int BaseMetaBlocks(uint group)
    {
        var sb = SuperBlock;
        int n = GroupHasSuper(group) ? 1 : 0;
        bool metaBg = Geometry.Has(Ext4FeatureIncompat.INCOMPAT_META_BG);
        if (!metaBg || group < (ulong)sb.s_first_meta_bg * Geometry.DescPerBlock)
        {
            // ext4_bg_num_gdb_nometa: with meta_bg only the first s_first_meta_bg descriptor blocks are in the old layout.
            if (n != 0) n += (int)(metaBg ? Math.Min(sb.s_first_meta_bg, Geometry.DescBlocks) : Geometry.DescBlocks) + sb.s_reserved_gdt_blocks;
        }
        else
        {
            uint index = group % Geometry.DescPerBlock;
            if (index == 0 || index == 1 || index == Geometry.DescPerBlock - 1) n++;
        }
        return n;
    }

    public ulong GroupFirstBlock(uint group) => Geometry.FirstDataBlock + (ulong)group * Geometry.BlocksPerGroup;

    /// <summary>Block that holds the <paramref name="index"/>-th block of the primary descriptor table (meta_bg aware, as ext2fs_descriptor_block_loc2).</summary>
    public ulong DescriptorBlock(uint index) => DescriptorBlock(index, Geometry.FirstDataBlock);

    /// <summary>
    /// ext2fs_descriptor_block_loc2: the <paramref name="index"/>-th descriptor block of the table that follows the
    /// superblock at <paramref name="groupBlock"/>. For a backup superblock a meta_bg block is the copy in its meta
    /// group's second group, when that group exists.
    /// </summary>
    public ulong DescriptorBlock(uint index, ulong groupBlock)
    {
        uint zeroAdjust = index == 0 && Geometry.BlockSize == 1024 && Geometry.ClusterSize > Geometry.BlockSize ? 1u : 0u;
        var sb = SuperBlock;
        if (!Geometry.Has(Ext4FeatureIncompat.INCOMPAT_META_BG) || index < sb.s_first_meta_bg)
            return groupBlock + index + 1 + zeroAdjust;
        uint group = Geometry.DescPerBlock * index;
        ulong first = GroupFirstBlock(group);
        ulong hasSuper = GroupHasSuper(group) ? 1u : 0u;
        if (groupBlock != Geometry.FirstDataBlock && first + hasSuper + Geometry.BlocksPerGroup < Geometry.BlocksCount)
            return first + Geometry.BlocksPerGroup + (GroupHasSuper(group + 1) ? 1u : 0u) + zeroAdjust;
        return first + hasSuper + zeroAdjust;
    }

    /// <summary>Byte offset of group <paramref name="group"/>'s descriptor in the image.</summary>
    public long GroupDescriptorOffset(uint group)
    {
        if (group >= Geometry.GroupCount)
            throw new ArgumentOutOfRangeException(nameof(group), group, $"the filesystem has {Geometry.GroupCount} groups");
        ulong block = DescriptorBlock(group / Geometry.DescPerBlock);
        return (long)block * Geometry.BlockSize + (long)(group % Geometry.DescPerBlock) * Geometry.DescSize;
    }

    /// <exception cref="CorruptDataException">The descriptor lies beyond the image.</exception>
    public GroupDescView GroupDescriptor(uint group)
        => new(Image.Read(GroupDescriptorOffset(group), (int)Geometry.DescSize, "ext4_group_desc"));

    /// <summary>Whether a group descriptor's checksum holds; metadata_csum wins over gdt_csum (ext4_group_desc_csum); null when neither is on.</summary>
    public bool? DescriptorChecksumValid(GroupDescView gd, uint group)
    {
        if (Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM)) return gd.VerifyMetadataCsum(ChecksumSeed, group);
        if (Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_GDT_CSUM)) return gd.VerifyGdtCsum(SuperBlock.s_uuid, group);
        return null;
    }

    /// <summary>Byte offset of inode <paramref name="ino"/> in the image.</summary>
    /// <exception cref="CorruptDataException">The inode number is out of range, or its table lies beyond the image.</exception>
    public long InodeOffset(uint ino)
    {
        if (ino == 0 || ino > Geometry.InodesCount)
            throw new Corruption("ext4_inode", "", 0, $"inode {ino} is outside 1..{Geometry.InodesCount}").ToException();
        // A journal device's superblock opens without the group checks: it has no inode tables.
        if (Geometry.InodesPerGroup == 0 || Geometry.Has(Ext4FeatureIncompat.INCOMPAT_JOURNAL_DEV))
            throw new Corruption("ext4_inode", "s_inodes_per_group", SuperBlockOffset + SuperBlockLayout.Offsets.s_inodes_per_group, $"inode {ino}: a journal device has no inodes").ToException();
        uint group = (ino - 1) / Geometry.InodesPerGroup;
        uint index = (ino - 1) % Geometry.InodesPerGroup;
        if (group >= Geometry.GroupCount)
            throw new Corruption("ext4_inode", "", 0, $"inode {ino} would be in group {group}, past the last group").ToException();
        ulong table = GroupDescriptor(group).bg_inode_table;
        ulong byteOffset = (ulong)index * Geometry.InodeSize;
        ulong block = table + byteOffset / Geometry.BlockSize;
        if (block > (ulong)(Image.Length / Geometry.BlockSize))
            throw new Corruption("ext4_inode", "", GroupDescriptorOffset(group), $"inode table of group {group} (block {table}) lies beyond the image").ToException();
        return (long)block * Geometry.BlockSize + (long)(byteOffset % Geometry.BlockSize);
    }

    public InodeView ReadInode(uint ino) => new(Image.Read(InodeOffset(ino), (int)Geometry.InodeSize, "ext4_inode"));

    public void Dispose()
    {
        if (_ownsImage) Image.Dispose();
    }
}
