using System;
using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Imaging;

namespace Ext4Codec.Journal;

/// <summary>
/// The journal's blocks in the image (jbd2_journal_bmap): through the journal inode's block map, or at a fixed
/// start on a journal device. Reads are bounds-checked; an unmapped block or one past the image reads as absent.
/// </summary>
public sealed class JournalStore
{
    private readonly DiskImage _image;
    private readonly int _blockSize;
    private readonly ExtentRecord[] _extents;
    private readonly long _deviceStart;

    private JournalStore(DiskImage image, int blockSize, ExtentRecord[] extents, long deviceStart)
    {
        _image = image;
        _blockSize = blockSize;
        _extents = extents;
        _deviceStart = deviceStart;
    }

    /// <summary>Journal blocks the store can map (the journal inode's mapped length, or the device's length).</summary>
    public ulong MappedBlocks { get; private init; }

    /// <exception cref="CorruptDataException">The journal inode's block map is malformed.</exception>
    public static JournalStore Open(Ext4FileSystem fs, JournalLocation location)
    {
        int bs = (int)fs.Geometry.BlockSize;
        if (location.Kind == JournalKind.Device) return OnDevice(fs.Image, bs, location.SuperblockOffset);
        if (location.Kind != JournalKind.Internal) throw new ArgumentException("the journal is not in this image", nameof(location));
        var map = MapCollector.Collect(fs, location.Inode, fs.ReadInode(location.Inode));
        var extents = map.Extents.ToArray();
        Array.Sort(extents, static (a, b) => a.Logical.CompareTo(b.Logical));
        ulong mapped = 0;
        foreach (var e in extents) mapped = Math.Max(mapped, e.Logical + e.Length);
        return new JournalStore(fs.Image, bs, extents, -1) { MappedBlocks = mapped };
    }

    /// <summary>A journal that starts at byte <paramref name="start"/> of <paramref name="image"/> and runs to its end (a journal device).</summary>
    public static JournalStore OnDevice(DiskImage image, int blockSize, long start)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        return new JournalStore(image, blockSize, [], start) { MappedBlocks = (ulong)(Math.Max(0, image.Length - start) / blockSize) };
    }

    /// <summary>Byte offset of journal block <paramref name="block"/> in the image, or -1 when it is not mapped.</summary>
    public long OffsetOf(ulong block)
    {
        if (_deviceStart >= 0) return block < MappedBlocks ? _deviceStart + (long)block * _blockSize : -1;
        int lo = 0, hi = _extents.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var e = _extents[mid];
            if (block < e.Logical) hi = mid - 1;
            else if (block >= e.Logical + e.Length) lo = mid + 1;
            else return (long)(e.Physical + (block - e.Logical)) * _blockSize;
        }
        return -1;
    }

    /// <summary>The block's bytes; false when it is unmapped or lies past the end of the image (jread's -EIO).</summary>
    public bool TryRead(ulong block, out ReadOnlySpan<byte> data)
    {
        long at = OffsetOf(block);
        if (at < 0)
        {
            data = default;
            return false;
        }
        return _image.TryRead(at, _blockSize, out data);
    }
}
