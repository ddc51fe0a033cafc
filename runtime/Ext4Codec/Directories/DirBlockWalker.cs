using System;
using Ext4Codec.Format;

namespace Ext4Codec.Directories;

/// <summary>
/// Walks the entries of one directory block (or inline area) with the kernel's checks (__ext4_check_dir_entry):
/// rec_len at least 12, a multiple of 4, large enough for the name, not past the end or leaving a gap too small
/// for an entry; inode number within s_inodes_count. Stops at the first bad entry, as ext4_readdir skips the
/// rest of a bad block.
/// </summary>
public ref struct DirBlockWalker
{
    private const int MinRecLen = 12;

    private readonly ReadOnlySpan<byte> _block;
    private readonly long _imageOffset;
    private readonly uint _inodesCount;
    private readonly uint _blockSize;
    private int _next;

    /// <param name="block">The entries: a whole directory block, or an inline-data area.</param>
    /// <param name="imageOffset">Byte offset of <paramref name="block"/> in the image, for located errors.</param>
    /// <param name="inodesCount">s_inodes_count.</param>
    /// <param name="blockSize">The filesystem block size (rec_len encoding on 64 KiB blocks).</param>
    public DirBlockWalker(ReadOnlySpan<byte> block, long imageOffset, uint inodesCount, uint blockSize)
    {
        _block = block;
        _imageOffset = imageOffset;
        _inodesCount = inodesCount;
        _blockSize = blockSize;
        Entry = default;
        Offset = 0;
        RecLen = 0;
    }

    public DirEntry2View Entry { get; private set; }

    /// <summary>Offset of <see cref="Entry"/> in the block.</summary>
    public int Offset { get; private set; }

    /// <summary>Offset of <see cref="Entry"/> in the image.</summary>
    public readonly long EntryImageOffset => _imageOffset + Offset;

    /// <summary>The decoded record length of <see cref="Entry"/>.</summary>
    public int RecLen { get; private set; }

    public readonly ReadOnlySpan<byte> Name => _block.Slice(Offset + DirEntry2View.Size, Entry.name_len);

    /// <summary>Kernel ext4_rec_len_from_disk: on 64 KiB blocks 0 and 65535 mean 65536, and the low bits carry bits 16-17.</summary>
    public static int DecodeRecLen(ushort stored, uint blockSize)
    {
        if (blockSize < 65536) return stored;
        if (stored == 65535 || stored == 0) return 65536;
        return (stored & 65532) | ((stored & 3) << 16);
    }

    /// <summary>Advances to the next entry, used or not; false at the end or on a bad entry (then <paramref name="error"/> is set).</summary>
    public bool MoveNext(out Corruption error)
    {
        error = default;
        int size = _block.Length;
        if (_next >= size) return false;
        if (_next + DirEntry2View.Size > size)
        {
            error = Fail(_next, "rec_len", "directory entry overrun");
            return false;
        }
        var entry = new DirEntry2View(_block.Slice(_next));
        int recLen = DecodeRecLen(entry.rec_len, _blockSize);
        string? problem = null;
        string field = "rec_len";
        if (recLen < MinRecLen) problem = "rec_len is smaller than minimal";
        else if (recLen % 4 != 0) problem = "rec_len % 4 != 0";
        else if (recLen < ((entry.name_len + 8 + 3) & ~3)) problem = "rec_len is too small for name_len";
        else if (_next + recLen > size) problem = "directory entry overrun";
        else if (_next + recLen > size - MinRecLen && _next + recLen != size) problem = "directory entry too close to block end";
        else if (entry.inode > _inodesCount) (problem, field) = ("inode out of bounds", "inode");
        if (problem is not null)
        {
            error = Fail(_next, field, $"{problem} - offset={_next}, inode={entry.inode}, rec_len={recLen}, size={size}");
            return false;
        }
        Entry = entry;
        Offset = _next;
        RecLen = recLen;
        _next += recLen;
        return true;
    }

    private readonly Corruption Fail(int at, string field, string reason) => new("ext4_dir_entry_2", field, _imageOffset + at, reason);
}
