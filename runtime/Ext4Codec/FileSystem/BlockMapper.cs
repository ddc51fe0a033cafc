using System;
using System.Buffers.Binary;
using Ext4Codec.Format;

namespace Ext4Codec.FileSystem;

/// <summary>
/// Reads a file's block map: its extent tree (depth at most 5) or its legacy direct/indirect/double/triple
/// indirect blocks. Hostile maps cannot loop: depth strictly decreases, and the number of mapping blocks
/// visited is capped by the blocks the image holds.
/// </summary>
public static class BlockMapper
{
    private const int MaxExtentDepth = 5;
    private const uint UnwrittenBias = 32768;

    /// <summary>Whether the inode's i_block holds a block map (not inline data, a fast symlink or a device number).</summary>
    public static bool HasBlockMap(InodeView inode, uint clusterSize)
    {
        var type = (Ext4InodeType)(inode.i_mode & 0xF000);
        if ((inode.i_flags & Ext4InodeFlags.INLINE_DATA_FL) != 0) return false;
        if (type is Ext4InodeType.S_IFCHR or Ext4InodeType.S_IFBLK or Ext4InodeType.S_IFIFO or Ext4InodeType.S_IFSOCK) return false;
        return type != Ext4InodeType.S_IFLNK || !InodeContent.IsFastSymlink(inode, clusterSize);
    }

    /// <summary>Visits the map's blocks and runs in logical order.</summary>
    /// <exception cref="CorruptDataException">The map is malformed: bad node header, depth, order, or a block beyond the image.</exception>
    public static void Walk<TVisitor>(Ext4FileSystem fs, uint ino, InodeView inode, ref TVisitor visitor) where TVisitor : IBlockMapVisitor
    {
        var budget = new Budget(fs);
        if ((inode.i_flags & Ext4InodeFlags.EXTENTS_FL) != 0)
        {
            ulong next = 0;
            long rootOffset = fs.InodeOffset(ino) + InodeLayout.Offsets.i_block;
            WalkExtentNode(fs, ino, inode.Data.Slice(InodeLayout.Offsets.i_block, 60), rootOffset, -1, ref next, ref visitor, ref budget);
            return;
        }
        var run = new RunMerger();
        for (int i = 0; i < 12; i++)
            if (!run.Add((ulong)i, inode.i_block(i), ref visitor)) return;
        ulong perBlock = fs.Geometry.BlockSize / 4;
        ulong first = 12;
        ulong span = perBlock;
        for (int level = 1; level <= 3; level++)
        {
            uint block = inode.i_block(11 + level);
            if (block != 0 && !WalkIndirect(fs, block, level - 1, first, span / perBlock, ref run, ref visitor, ref budget)) return;
            first += span;
            span *= perBlock;
        }
        run.Flush(ref visitor);
    }

    /// <summary>The physical block holding logical block <paramref name="logical"/>, or null for a hole.</summary>
    /// <exception cref="CorruptDataException">The map is malformed.</exception>
    public static ulong? Map(Ext4FileSystem fs, InodeView inode, uint ino, ulong logical)
    {
        var finder = new Finder(logical);
        Walk(fs, ino, inode, ref finder);
        return finder.Physical;
    }

    private static bool WalkExtentNode<TVisitor>(Ext4FileSystem fs, uint ino, ReadOnlySpan<byte> node, long offset, int expectedDepth,
        ref ulong nextLogical, ref TVisitor visitor, ref Budget budget) where TVisitor : IBlockMapVisitor
    {
        var header = new ExtentHeaderView(node);
        if (!header.TryValidate(out var error))
            throw new Corruption(error.Structure, error.Field, offset + error.Offset, $"inode {ino}: {error.Reason}").ToException();
        if (12 + header.eh_max * 12 > node.Length)
            throw Fail(offset + ExtentHeaderLayout.Offsets.eh_max, "eh_max", $"inode {ino}: {header.eh_max} entries do not fit in {node.Length} bytes");
        if (expectedDepth >= 0 && header.eh_depth != expectedDepth)
            throw Fail(offset + ExtentHeaderLayout.Offsets.eh_depth, "eh_depth", $"inode {ino}: depth {header.eh_depth}, expected {expectedDepth}");
        for (int i = 0; i < header.eh_entries; i++)
        {
            int at = 12 + i * 12;
            if (header.eh_depth == 0)
            {
                var e = new ExtentView(node.Slice(at, 12));
                bool unwritten = e.ee_len > UnwrittenBias;
                uint length = unwritten ? e.ee_len - UnwrittenBias : e.ee_len;
                if (e.ee_block < nextLogical)
                    throw Fail(offset + at, "ee_block", $"inode {ino}: extent at logical block {e.ee_block} overlaps or precedes the previous one");
                if (!visitor.OnExtent(new ExtentRecord(e.ee_block, length, e.ee_start, unwritten))) return false;
                nextLogical = (ulong)e.ee_block + length;
            }
            else
            {
                var idx = new ExtentIdxView(node.Slice(at, 12));
                if (idx.ei_block < nextLogical)
                    throw Fail(offset + at, "ei_block", $"inode {ino}: index at logical block {idx.ei_block} precedes the previous one");
                budget.Spend(offset + at, ino);
                var child = fs.ReadBlock(idx.ei_leaf, "ext4_extent_header");
                int below = header.eh_depth - 1;
                if (!visitor.OnMapBlock(idx.ei_leaf, below, child)) return false;
                if (!WalkExtentNode(fs, ino, child, (long)idx.ei_leaf * fs.Geometry.BlockSize, below, ref nextLogical, ref visitor, ref budget)) return false;
            }
        }
        return true;
    }

    private static bool WalkIndirect<TVisitor>(Ext4FileSystem fs, uint block, int levelsBelow, ulong firstLogical, ulong spanPerEntry,
        ref RunMerger run, ref TVisitor visitor, ref Budget budget) where TVisitor : IBlockMapVisitor
    {
        budget.Spend((long)block * fs.Geometry.BlockSize, 0);
        var data = fs.ReadBlock(block, "indirect block");
        if (!visitor.OnMapBlock(block, levelsBelow, data)) return false;
        int entries = data.Length / 4;
        for (int i = 0; i < entries; i++)
        {
            uint child = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i * 4));
            ulong logical = firstLogical + (ulong)i * spanPerEntry;
            if (levelsBelow == 0)
            {
                if (!run.Add(logical, child, ref visitor)) return false;
            }
            else if (child != 0 && !WalkIndirect(fs, child, levelsBelow - 1, logical, spanPerEntry / (ulong)entries, ref run, ref visitor, ref budget))
                return false;
        }
        return true;
    }

    private static CorruptDataException Fail(long offset, string field, string reason)
        => new Corruption("ext4_extent_header", field, offset, reason).ToException();

    /// <summary>Caps mapping blocks visited at the blocks the image holds: more means the map revisits blocks.</summary>
    private struct Budget(Ext4FileSystem fs)
    {
        private long _left = fs.Image.Length / fs.Geometry.BlockSize + 1;

        public void Spend(long offset, uint ino)
        {
            if (--_left < 0)
                throw new Corruption("block map", "", offset, $"inode {ino}: the block map visits more blocks than the image holds (a loop)").ToException();
        }
    }

    /// <summary>Joins consecutive legacy block pointers into runs.</summary>
    private struct RunMerger
    {
        private ulong _logical;
        private ulong _physical;
        private uint _length;

        public bool Add<TVisitor>(ulong logical, uint physical, ref TVisitor visitor) where TVisitor : IBlockMapVisitor
        {
            if (_length > 0 && physical != 0 && logical == _logical + _length && physical == _physical + _length && _length < uint.MaxValue)
            {
                _length++;
                return true;
            }
            if (!Flush(ref visitor)) return false;
            if (physical != 0) (_logical, _physical, _length) = (logical, physical, 1);
            return true;
        }

        public bool Flush<TVisitor>(ref TVisitor visitor) where TVisitor : IBlockMapVisitor
        {
            if (_length == 0) return true;
            var run = new ExtentRecord(_logical, _length, _physical, false);
            _length = 0;
            return visitor.OnExtent(run);
        }
    }

    private struct Finder(ulong logical) : IBlockMapVisitor
    {
        public ulong? Physical;

        public bool OnMapBlock(ulong block, int levelsBelow, ReadOnlySpan<byte> data) => true;

        public bool OnExtent(in ExtentRecord extent)
        {
            if (logical < extent.Logical) return false;
            if (logical >= extent.Logical + extent.Length) return true;
            Physical = extent.Physical + (logical - extent.Logical);
            return false;
        }
    }
}
