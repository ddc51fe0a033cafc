using System;
using Ext4Codec.Format;

namespace Ext4Codec.Xattrs;

/// <summary>
/// Walks the entry list of an attribute area with the kernel's bounds (ext4_xattr_check_entries): entries are
/// 4-byte aligned, the list ends with 4 zero bytes, and every value lies inside the area.
/// </summary>
public ref struct XattrArea
{
    private readonly ReadOnlySpan<byte> _area;
    private readonly int _valueBase;
    private readonly long _imageOffset;
    private int _next;

    /// <param name="area">The whole area: an attribute block, or the in-inode space after i_extra_isize.</param>
    /// <param name="firstEntry">Where the entries start in <paramref name="area"/> (after the header or magic).</param>
    /// <param name="valueBase">What e_value_offs counts from: the block start, or the first in-inode entry.</param>
    /// <param name="imageOffset">The area's byte offset in the image, for located errors.</param>
    public XattrArea(ReadOnlySpan<byte> area, int firstEntry, int valueBase, long imageOffset)
    {
        _area = area;
        _next = firstEntry;
        _valueBase = valueBase;
        _imageOffset = imageOffset;
        Entry = default;
        EntryOffset = 0;
    }

    public XattrEntryView Entry { get; private set; }

    /// <summary>Offset of <see cref="Entry"/> in the area.</summary>
    public int EntryOffset { get; private set; }

    /// <summary>Offset of <see cref="Entry"/> in the image.</summary>
    public readonly long EntryImageOffset => _imageOffset + EntryOffset;

    /// <summary>The stored name (without prefix) of <see cref="Entry"/>.</summary>
    public readonly ReadOnlySpan<byte> Name => _area.Slice(EntryOffset + XattrEntryView.Size, Entry.e_name_len);

    /// <summary>The in-area value of <see cref="Entry"/> (empty when it lives in an ea_inode).</summary>
    public readonly ReadOnlySpan<byte> Value
        => Entry.e_value_inum != 0 ? default : _area.Slice(_valueBase + Entry.e_value_offs, (int)Entry.e_value_size);

    /// <summary>Advances to the next entry; false at the end of the list or on a malformed entry (then <paramref name="error"/> says where).</summary>
    public bool MoveNext(out Corruption error)
    {
        error = default;
        if (_next + 4 > _area.Length)
        {
            error = Fail(_next, "", "attribute list runs off the end without a terminating entry");
            return false;
        }
        if (_area.Slice(_next, 4).IndexOfAnyExcept((byte)0) < 0) return false;
        if (_next + XattrEntryView.Size > _area.Length)
        {
            error = Fail(_next, "", "attribute entry runs off the end");
            return false;
        }
        var entry = new XattrEntryView(_area.Slice(_next));
        int size = (XattrEntryView.Size + entry.e_name_len + 3) & ~3;
        if (_next + size + 4 > _area.Length)
        {
            error = Fail(_next, "e_name_len", "attribute name runs off the end");
            return false;
        }
        if (entry.e_value_inum == 0 && (long)_valueBase + entry.e_value_offs + entry.e_value_size > _area.Length)
        {
            error = Fail(_next + XattrEntryLayout.Offsets.e_value_offs, "e_value_offs", $"value ({entry.e_value_size} bytes at {entry.e_value_offs}) lies outside the attribute area");
            return false;
        }
        Entry = entry;
        EntryOffset = _next;
        _next += size;
        return true;
    }

    private readonly Corruption Fail(int at, string field, string reason) => new("ext4_xattr_entry", field, _imageOffset + at, reason);
}
