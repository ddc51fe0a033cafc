using System;
using Ext4Codec.Imaging;

namespace Ext4Codec.Kernel;

/// <summary>
/// An image as the kernel sees it on a loop device: whole 512-byte sectors only (a partial last sector is cut off),
/// and a read that reaches past the end fails with EIO.
/// </summary>
internal sealed class KernelDisk(DiskImage image)
{
    public DiskImage Image { get; } = image;

    /// <summary>bdev_nr_bytes: the image length rounded down to a sector.</summary>
    public long Bytes { get; } = image.Length & ~511L;

    public bool TryRead(long offset, int length, out ReadOnlySpan<byte> data)
    {
        data = default;
        if (offset < 0 || length < 0 || offset > Bytes - length) return false;
        return Image.TryRead(offset, length, out data);
    }

    /// <summary>Block <paramref name="block"/> of <paramref name="blockSize"/> bytes (sb_bread).</summary>
    public bool TryReadBlock(ulong block, uint blockSize, out ReadOnlySpan<byte> data)
    {
        data = default;
        if (block > (ulong)Bytes / blockSize) return false;
        return TryRead((long)block * blockSize, (int)blockSize, out data);
    }

    /// <summary>sb_bdev_nr_blocks: whole blocks of <paramref name="blockSize"/> on the device.</summary>
    public ulong Blocks(uint blockSize) => (ulong)Bytes / blockSize;
}
