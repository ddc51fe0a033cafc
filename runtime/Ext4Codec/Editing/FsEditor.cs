using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Numerics;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Editing;

/// <summary>
/// Changes a filesystem in place, on an image opened writable: blocks, inodes, bitmaps and the replay
/// allocator. Bitmaps of uninitialised groups are built first, as the kernel does when it reads them
/// (ext4_init_block_bitmap). <see cref="Commit"/> reseals every inode changed, recounts every group touched
/// (free blocks and inodes, directories, unused inodes, bitmap checksums, descriptor checksum) and the
/// superblock's free counts, so the result needs no fsck. Clusters larger than a block are not supported.
/// </summary>
public sealed class FsEditor
{
    private readonly HashSet<uint> _touchedGroups = [];
    private readonly HashSet<uint> _changedInodes = [];
    private readonly List<(ulong Start, ulong Count)> _excluded = [];
    private readonly bool _metadataCsum;
    private readonly bool _groupCsum;

    /// <exception cref="EditRefusedException">The image is read-only, or the filesystem uses bigalloc.</exception>
    public FsEditor(Ext4FileSystem fs)
    {
        if (!fs.Image.Writable) throw new EditRefusedException(fs.Image.Name + " is opened read-only");
        if (fs.Geometry.ClusterSize != fs.Geometry.BlockSize) throw new EditRefusedException("bigalloc (clusters larger than a block) is not supported for editing");
        Fs = fs;
        _metadataCsum = fs.Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM);
        _groupCsum = _metadataCsum || fs.Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_GDT_CSUM);
    }

    public Ext4FileSystem Fs { get; }

    public Geometry Geometry => Fs.Geometry;

    public bool MetadataCsum => _metadataCsum;

    public int BlockSize => (int)Fs.Geometry.BlockSize;

    /// <summary>A block's bytes, writable in place.</summary>
    public Span<byte> Block(ulong block, string structure = "block")
    {
        if (block >= Geometry.BlocksCount) throw new Corruption(structure, "", 0, $"block {block} is outside the filesystem ({Geometry.BlocksCount} blocks)").ToException();
        return Fs.Image.Write((long)block * BlockSize, BlockSize, structure);
    }

    public InodeView ReadInode(uint ino) => Fs.ReadInode(ino);

    /// <summary>An inode's bytes, writable; its checksum is resealed at <see cref="Commit"/>.</summary>
    public InodeWriter Inode(uint ino)
    {
        _changedInodes.Add(ino);
        return new InodeWriter(Fs.Image.Write(Fs.InodeOffset(ino), (int)Geometry.InodeSize, "ext4_inode"));
    }

    /// <summary>Seed of checksums over the inode's own blocks (extent nodes, directory blocks).</summary>
    public uint InodeSeed(uint ino) => Fs.InodeChecksumSeed(ino, ReadInode(ino).i_generation);

    /// <summary>Blocks the allocator must not hand out although the bitmap may show them free (the kernel's fc regions).</summary>
    public void Exclude(ulong start, ulong count) => _excluded.Add((start, count));

    public uint GroupOfBlock(ulong block) => (uint)((block - Geometry.FirstDataBlock) / Geometry.BlocksPerGroup);

    /// <summary>Marks blocks used or free (ext4_mb_mark_bb); blocks outside the filesystem are ignored.</summary>
    public void SetBlocks(ulong start, ulong count, bool used)
    {
        ulong end = Math.Min(start + count, Geometry.BlocksCount);
        for (ulong b = Math.Max(start, Geometry.FirstDataBlock); b < end; b++)
        {
            uint group = GroupOfBlock(b);
            var bitmap = BlockBitmap(group);
            SetBit(bitmap, (int)((b - Fs.GroupFirstBlock(group)) % Geometry.BlocksPerGroup), used);
        }
    }

    public void SetInode(uint ino, bool used)
    {
        uint group = (ino - 1) / Geometry.InodesPerGroup;
        SetBit(InodeBitmap(group), (int)((ino - 1) % Geometry.InodesPerGroup), used);
    }

    /// <summary>Whether the inode bitmap marks the inode in use (an INODE_UNINIT group has none).</summary>
    public bool InodeInUse(uint ino)
    {
        uint group = (ino - 1) / Geometry.InodesPerGroup;
        return IsSet(InodeBitmap(group), (int)((ino - 1) % Geometry.InodesPerGroup));
    }

    /// <summary>The first <paramref name="count"/> inodes at or after s_first_ino the bitmaps show free (none is marked).</summary>
    /// <exception cref="EditRefusedException">Fewer are free.</exception>
    public List<uint> FreeInodes(int count)
    {
        var free = new List<uint>(count);
        for (uint ino = Geometry.FirstInode; ino <= Geometry.InodesCount && free.Count < count; ino++)
            if (!InodeInUse(ino)) free.Add(ino);
        if (free.Count < count) throw new EditRefusedException($"only {free.Count} free inodes, {count} needed");
        return free;
    }

    /// <summary>
    /// The first free block at or after <paramref name="goal"/> (wrapping round), outside excluded regions, now
    /// marked used; the kernel's replay allocator (ext4_mb_new_blocks_simple) works the same way.
    /// </summary>
    /// <exception cref="EditRefusedException">No free block.</exception>
    public ulong AllocateBlock(ulong goal)
    {
        if (goal < Geometry.FirstDataBlock || goal >= Geometry.BlocksCount) goal = Geometry.FirstDataBlock;
        uint startGroup = GroupOfBlock(goal);
        for (uint i = 0; i <= Geometry.GroupCount; i++)
        {
            uint group = (startGroup + i) % Geometry.GroupCount;
            var bitmap = BlockBitmap(group);
            ulong first = Fs.GroupFirstBlock(group);
            int inGroup = BlocksInGroup(group);
            int bit = i == 0 ? (int)(goal - first) : 0;
            for (; bit < inGroup; bit++)
            {
                if (IsSet(bitmap, bit)) continue;
                ulong block = first + (ulong)bit;
                if (IsExcluded(block)) continue;
                SetBit(bitmap, bit, true);
                return block;
            }
        }
        throw new EditRefusedException("no free block left for the replay allocator");
    }

    private bool IsExcluded(ulong block)
    {
        foreach (var (start, count) in _excluded)
            if (block >= start && block - start < count) return true;
        return false;
    }

    private int BlocksInGroup(uint group)
    {
        ulong first = Fs.GroupFirstBlock(group);
        return (int)Math.Min(Geometry.BlocksPerGroup, Geometry.BlocksCount - first);
    }

    private static bool IsSet(ReadOnlySpan<byte> bitmap, int bit) => (bitmap[bit >> 3] & (1 << (bit & 7))) != 0;

    private static void SetBit(Span<byte> bitmap, int bit, bool value)
    {
        if (value) bitmap[bit >> 3] |= (byte)(1 << (bit & 7));
        else bitmap[bit >> 3] &= (byte)~(1 << (bit & 7));
    }

    private GroupDescWriter Descriptor(uint group)
        => new(Fs.Image.Write(Fs.GroupDescriptorOffset(group), (int)Geometry.DescSize, "ext4_group_desc"));

    /// <summary>The group's block bitmap, built first if the group is still BLOCK_UNINIT.</summary>
    private Span<byte> BlockBitmap(uint group)
    {
        var gd = Descriptor(group);
        var bitmap = Block(gd.AsView().bg_block_bitmap, "block bitmap");
        if (_touchedGroups.Add(group) && _groupCsum && (gd.AsView().bg_flags & Ext4BgFlags.BLOCK_UNINIT) != 0)
        {
            InitBlockBitmap(group, bitmap);
            gd.bg_flags &= ~Ext4BgFlags.BLOCK_UNINIT;
        }
        return bitmap;
    }

    /// <summary>The group's inode bitmap, zeroed first if the group is still INODE_UNINIT.</summary>
    private Span<byte> InodeBitmap(uint group)
    {
        var gd = Descriptor(group);
        var bitmap = Block(gd.AsView().bg_inode_bitmap, "inode bitmap");
        _touchedGroups.Add(group);
        if (_groupCsum && (gd.AsView().bg_flags & Ext4BgFlags.INODE_UNINIT) != 0)
        {
            bitmap.Clear();
            MarkEnd(bitmap, (int)Geometry.InodesPerGroup);
            gd.bg_flags &= ~Ext4BgFlags.INODE_UNINIT;
        }
        return bitmap;
    }

    /// <summary>ext4_init_block_bitmap: the group's own metadata (superblock copy, descriptors) and every bitmap or inode table placed in it.</summary>
    private void InitBlockBitmap(uint group, Span<byte> bitmap)
    {
        bitmap.Clear();
        ulong first = Fs.GroupFirstBlock(group);
        int inGroup = BlocksInGroup(group);
        int baseMeta = Fs.BaseMetaBlocks(group);
        for (int i = 0; i < baseMeta && i < inGroup; i++) SetBit(bitmap, i, true);
        for (uint g = 0; g < Geometry.GroupCount; g++)
        {
            var d = Fs.GroupDescriptor(g);
            MarkIfInGroup(bitmap, first, inGroup, d.bg_block_bitmap, 1);
            MarkIfInGroup(bitmap, first, inGroup, d.bg_inode_bitmap, 1);
            MarkIfInGroup(bitmap, first, inGroup, d.bg_inode_table, Geometry.InodeBlocksPerGroup);
        }
        MarkEnd(bitmap, inGroup);
    }

    private static void MarkIfInGroup(Span<byte> bitmap, ulong first, int inGroup, ulong start, uint count)
    {
        for (ulong b = start; b < start + count; b++)
        {
            if (b >= first && b - first < (ulong)inGroup) SetBit(bitmap, (int)(b - first), true);
        }
    }

    /// <summary>Bits past the group's last block or inode are set (ext4_mark_bitmap_end).</summary>
    private void MarkEnd(Span<byte> bitmap, int used)
    {
        for (int bit = used; bit < BlockSize * 8; bit++) SetBit(bitmap, bit, true);
    }

    /// <summary>Reseals changed inodes, recounts and reseals touched groups, then the superblock's free counts.</summary>
    public void Commit()
    {
        foreach (uint ino in _changedInodes)
        {
            if (!_metadataCsum) continue;
            var inode = new InodeWriter(Fs.Image.Write(Fs.InodeOffset(ino), (int)Geometry.InodeSize, "ext4_inode"));
            inode.ResealCsum(Fs.ChecksumSeed, ino);
        }
        foreach (uint group in _touchedGroups) Recount(group);

        ulong freeBlocks = 0, freeInodes = 0;
        for (uint g = 0; g < Geometry.GroupCount; g++)
        {
            var d = Fs.GroupDescriptor(g);
            freeBlocks += d.bg_free_blocks_count;
            freeInodes += d.bg_free_inodes_count;
        }
        var sb = new SuperBlockWriter(Fs.Image.Write(Ext4FileSystem.SuperBlockOffset, SuperBlockView.Size, "ext4_super_block"));
        sb.s_free_blocks_count = freeBlocks;
        sb.s_free_inodes_count = (uint)freeInodes;
        if (sb.AsView().CsumApplies && _metadataCsum) sb.ResealCsum();
        Fs.Image.Flush();
    }

    private void Recount(uint group)
    {
        var gd = Descriptor(group);
        var flags = gd.AsView().bg_flags;
        int ipg = (int)Geometry.InodesPerGroup;
        if (!_groupCsum || (flags & Ext4BgFlags.BLOCK_UNINIT) == 0)
        {
            var blocks = Block(gd.AsView().bg_block_bitmap, "block bitmap");
            gd.bg_free_blocks_count = (uint)(BlocksInGroup(group) - CountSet(blocks, BlocksInGroup(group)));
            if (_metadataCsum) SetBitmapCsum(gd, blocks[..(int)(Geometry.BlocksPerGroup / 8)], inodeBitmap: false);
        }
        if (!_groupCsum || (flags & Ext4BgFlags.INODE_UNINIT) == 0)
        {
            var inodes = Block(gd.AsView().bg_inode_bitmap, "inode bitmap");
            int used = CountSet(inodes, ipg);
            gd.bg_free_inodes_count = (uint)(ipg - used);
            uint dirs = 0;
            int highest = -1;
            for (int i = 0; i < ipg; i++)
            {
                if (!IsSet(inodes, i)) continue;
                highest = i;
                var inode = Fs.ReadInode(group * (uint)ipg + (uint)i + 1);
                if ((inode.i_mode & 0xF000) == (ushort)Ext4InodeType.S_IFDIR) dirs++;
            }
            gd.bg_used_dirs_count = dirs;
            if (_groupCsum) gd.bg_itable_unused = Math.Min(gd.AsView().bg_itable_unused, (uint)(ipg - highest - 1));
            if (_metadataCsum) SetBitmapCsum(gd, inodes[..(ipg / 8)], inodeBitmap: true);
        }
        if (_metadataCsum) gd.ResealMetadataCsum(Fs.ChecksumSeed, group);
        else if (_groupCsum) gd.ResealGdtCsum(Fs.SuperBlock.s_uuid, group);
    }

    /// <summary>crc32c(fs seed, bitmap); the high half is stored only in 64-byte descriptors.</summary>
    private void SetBitmapCsum(GroupDescWriter gd, ReadOnlySpan<byte> bitmap, bool inodeBitmap)
    {
        uint crc = Crc32C.Append(Fs.ChecksumSeed, bitmap);
        bool high = Geometry.DescSize >= 64;
        if (inodeBitmap)
        {
            gd.bg_inode_bitmap_csum_lo = (ushort)crc;
            if (high) gd.bg_inode_bitmap_csum_hi = (ushort)(crc >> 16);
        }
        else
        {
            gd.bg_block_bitmap_csum_lo = (ushort)crc;
            if (high) gd.bg_block_bitmap_csum_hi = (ushort)(crc >> 16);
        }
    }

    private static int CountSet(ReadOnlySpan<byte> bitmap, int bits)
    {
        int n = 0;
        int whole = bits / 64;
        for (int i = 0; i < whole; i++) n += BitOperations.PopCount(BinaryPrimitives.ReadUInt64LittleEndian(bitmap.Slice(i * 8, 8)));
        for (int bit = whole * 64; bit < bits; bit++) if (IsSet(bitmap, bit)) n++;
        return n;
    }
}
