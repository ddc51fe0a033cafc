using System;
using System.Collections.Generic;
using System.Text;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Xattrs;

/// <summary>Reads an inode's extended attributes: the in-inode area, then the attribute block.</summary>
public static class XattrReader
{
    private const int MaxEaInodeValue = 64 << 20;

    /// <summary>The in-inode area after i_extra_isize: empty when the inode has no room or no magic.</summary>
    public static ReadOnlySpan<byte> InodeBody(InodeView inode, out int start)
    {
        start = 0;
        if (inode.Length <= 128 || !inode.Has_i_extra_isize) return default;
        start = 128 + inode.i_extra_isize;
        if (start + 4 > inode.Length || new XattrIbodyHeaderView(inode.Data.Slice(start)).h_magic != 0xEA020000) return default;
        return inode.Data.Slice(start);
    }

    /// <summary>The value of an in-inode attribute without allocating (inline data keeps its tail in <c>system.data</c>).</summary>
    public static bool TryFindInInode(InodeView inode, long inodeOffset, Ext4XattrIndex index, ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        value = default;
        var body = InodeBody(inode, out int start);
        if (body.IsEmpty) return false;
        var area = new XattrArea(body, 4, 4, inodeOffset + start);
        while (area.MoveNext(out _))
        {
            if (area.Entry.e_name_index == index && area.Name.SequenceEqual(name) && area.Entry.e_value_inum == 0)
            {
                value = area.Value;
                return true;
            }
        }
        return false;
    }

    /// <summary>All attributes of an inode.</summary>
    /// <exception cref="CorruptDataException">An attribute area or the attribute block is malformed.</exception>
    public static List<Xattr> ReadAll(Ext4FileSystem fs, uint ino, InodeView inode)
    {
        var list = new List<Xattr>();
        long inodeOffset = fs.InodeOffset(ino);
        var body = InodeBody(inode, out int start);
        if (!body.IsEmpty)
            Collect(fs, new XattrArea(body, 4, 4, inodeOffset + start), XattrSource.Inode, list);
        ulong block = inode.i_file_acl;
        if (block != 0)
        {
            var data = fs.ReadBlock(block, "ext4_xattr_header");
            var header = new XattrHeaderView(data);
            long offset = (long)block * fs.Geometry.BlockSize;
            if (!header.TryValidate(out var error))
                throw new Corruption(error.Structure, error.Field, offset + error.Offset, $"inode {ino}: attribute block {block}: {error.Reason}").ToException();
            Collect(fs, new XattrArea(data, XattrHeaderView.Size, 0, offset), XattrSource.Block, list);
        }
        return list;
    }

    private static void Collect(Ext4FileSystem fs, XattrArea area, XattrSource source, List<Xattr> list)
    {
        Corruption error;
        while (area.MoveNext(out error))
        {
            var e = area.Entry;
            byte[] value = e.e_value_inum == 0 ? area.Value.ToArray() : ReadEaInode(fs, e.e_value_inum, e.e_value_size);
            list.Add(new Xattr(FullName(e.e_name_index, area.Name), e.e_name_index, source, e.e_value_inum, value, area.EntryImageOffset));
        }
        if (error.Reason is not null) throw error.ToException();
    }

    /// <summary>The name as getfattr prints it: the index's prefix, then the stored name.</summary>
    public static string FullName(Ext4XattrIndex index, ReadOnlySpan<byte> name)
    {
        string? prefix = Ext4XattrIndexInfo.Layout.Find((ulong)index)?.Display;
        if (string.IsNullOrEmpty(prefix)) prefix = $"index{(byte)index}:";
        return prefix + Encoding.UTF8.GetString(name);
    }

    private static byte[] ReadEaInode(Ext4FileSystem fs, uint ino, uint size)
    {
        if (size > MaxEaInodeValue)
            throw new Corruption("ext4_xattr_entry", "e_value_size", 0, $"ea_inode {ino}: value of {size} bytes exceeds the {MaxEaInodeValue >> 20} MiB limit").ToException();
        var inode = fs.ReadInode(ino);
        var bytes = InodeContent.ReadAll(fs, ino, inode, MaxEaInodeValue);
        return bytes.Length <= size ? bytes : bytes.AsSpan(0, (int)size).ToArray();
    }
}
