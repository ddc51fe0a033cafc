using System;
using Ext4Codec.Format;

namespace Ext4Codec.FileSystem;

/// <summary>
/// Maps a file's logical block to a physical block through its extent tree or its legacy indirect map. Depth is
/// bounded (extent trees by their header, block maps by triple indirection), so hostile metadata cannot loop.
/// </summary>
public static class BlockMapper
{
    private const int MaxExtentDepth = 5;

    /// <summary>The physical block, or null for a hole. Throws <see cref="CorruptDataException"/> on a malformed map.</summary>
    public static ulong? Map(Ext4FileSystem fs, InodeView inode, uint ino, ulong logical)
    {
        if ((inode.i_flags & Ext4InodeFlags.EXTENTS_FL) != 0) return MapExtent(fs, inode.Data.Slice(InodeLayout.Offsets.i_block, 60), ino, logical);
        return MapIndirect(fs, inode, logical);
    }

    private static ulong? MapExtent(Ext4FileSystem fs, ReadOnlySpan<byte> node, uint ino, ulong logical)
    {
        int expectedDepth = -1;
        for (int level = 0; level <= MaxExtentDepth + 1; level++)
        {
            var header = new ExtentHeaderView(node);
            if (!header.TryValidate(out var error)) throw error.ToException();
            if (12 + header.eh_entries * 12 > node.Length)
                throw new Corruption("ext4_extent_header", "eh_entries", 2, $"inode {ino}: {header.eh_entries} entries do not fit in {node.Length} bytes").ToException();
            if (expectedDepth >= 0 && header.eh_depth != expectedDepth)
                throw new Corruption("ext4_extent_header", "eh_depth", 6, $"inode {ino}: depth {header.eh_depth}, expected {expectedDepth}").ToException();
            if (header.eh_depth == 0)
            {
                for (int i = 0; i < header.eh_entries; i++)
                {
                    var e = new ExtentView(node.Slice(12 + i * 12, 12));
                    uint len = e.ee_len > 32768 ? e.ee_len - 32768u : e.ee_len;
                    if (logical >= e.ee_block && logical < (ulong)e.ee_block + len) return e.ee_start + (logical - e.ee_block);
                }
                return null;
            }
            int chosen = -1;
            for (int i = 0; i < header.eh_entries; i++)
            {
                if (new ExtentIdxView(node.Slice(12 + i * 12, 12)).ei_block <= logical) chosen = i;
                else break;
            }
            if (chosen < 0) return null;
            expectedDepth = header.eh_depth - 1;
            node = fs.ReadBlock(new ExtentIdxView(node.Slice(12 + chosen * 12, 12)).ei_leaf, "ext4_extent_header");
        }
        throw new Corruption("ext4_extent_header", "eh_depth", 6, $"inode {ino}: extent tree deeper than {MaxExtentDepth}").ToException();
    }

    private static ulong? MapIndirect(Ext4FileSystem fs, InodeView inode, ulong logical)
    {
        ulong perBlock = fs.Geometry.BlockSize / 4;
        if (logical < 12) return Hole(inode.i_block((int)logical));
        logical -= 12;
        int slot = 12;
        int depth = 1;
        ulong span = perBlock;
        while (logical >= span)
        {
            logical -= span;
            slot++;
            depth++;
            if (depth > 3) return null;
            span *= perBlock;
        }
        ulong block = inode.i_block(slot);
        for (int level = depth; level > 0 && block != 0; level--)
        {
            span /= perBlock;
            var data = fs.ReadBlock(block, "indirect block");
            ulong index = logical / span;
            logical %= span;
            block = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data.Slice((int)index * 4));
        }
        return Hole(block);
    }

    private static ulong? Hole(ulong block) => block == 0 ? null : block;
}
