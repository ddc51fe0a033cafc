using System;
using System.Buffers.Binary;
using Ext4Codec.Format;

namespace Ext4Codec.Kernel;

/// <summary>
/// The in-inode attribute area as __ext4_iget reads it (ext4_iget_extra_inode): check_xattrs on the entries
/// (fs/ext4/xattr.c, 6.15+ rules with 6.18's ea_inode size check), then ext4_find_inline_data_nolock.
/// </summary>
internal static class InodeXattrCheck
{
    private const uint XattrMagic = 0xEA020000;
    private const uint XattrSizeMax = 1 << 24;
    private const byte SystemIndex = 7;

    /// <summary>Whether the area exists: room for the magic after i_extra_isize, and the magic (EXT4_STATE_XATTR).</summary>
    public static bool HasArea(ReadOnlySpan<byte> raw, int extraIsize)
    {
        int header = 128 + extraIsize;
        return header + 4 <= raw.Length && BinaryPrimitives.ReadUInt32LittleEndian(raw[header..]) == XattrMagic;
    }

    /// <summary>check_xattrs for the in-inode area: the reason it is corrupt, or empty.</summary>
    public static string Check(SbInfo sbi, ReadOnlySpan<byte> raw, int extraIsize)
    {
        int end = raw.Length;
        int valueStart = 128 + extraIsize + 4;
        if (end - (valueStart - 4) < 8) return "in-inode xattr block too small";
        int e = valueStart;
        while (BinaryPrimitives.ReadUInt32LittleEndian(raw[e..]) != 0)
        {
            // Only e_name_len is read before the bound check: the entry may be cut off by the inode's end.
            int nameLen = raw[e];
            int next = e + ((XattrEntryView.Size + nameLen + 3) & ~3);
            if (next >= end) return "e_name out of bounds";
            if (raw.Slice(e + XattrEntryView.Size, nameLen).IndexOf((byte)0) >= 0) return "bad e_name length";
            e = next;
        }
        for (int at = valueStart; BinaryPrimitives.ReadUInt32LittleEndian(raw[at..]) != 0; at += (XattrEntryView.Size + raw[at] + 3) & ~3)
        {
            var entry = new XattrEntryView(raw[at..]);
            uint size = entry.e_value_size;
            uint eaIno = entry.e_value_inum;
            if (eaIno != 0 && !sbi.Has(Ext4FeatureIncompat.INCOMPAT_EA_INODE)) return "ea_inode specified without ea_inode feature enabled";
            if (eaIno != 0 && (eaIno == 2 || !ValidInum(sbi, eaIno))) return "invalid ea_ino";
            if (eaIno != 0 && size == 0) return "invalid size in ea xattr";
            if (size > XattrSizeMax) return "e_value size too large";
            if (size != 0 && eaIno == 0)
            {
                int offs = entry.e_value_offs;
                if (offs > end - valueStart) return "e_value out of bounds";
                long value = valueStart + offs;
                if (value < e + 4 || size > end - value || ((size + 3) & ~3u) > end - value) return "overlapping e_value ";
            }
        }
        return "";
    }

    /// <summary>
    /// ext4_find_inline_data_nolock over a checked area: whether system.data is there, and whether it wrongly names
    /// an ea_inode ("inline data xattr refers to an external xattr inode").
    /// </summary>
    public static bool FindInlineData(ReadOnlySpan<byte> raw, int extraIsize, out bool refersToEaInode)
    {
        refersToEaInode = false;
        for (int at = 128 + extraIsize + 4; BinaryPrimitives.ReadUInt32LittleEndian(raw[at..]) != 0; at += (XattrEntryView.Size + raw[at] + 3) & ~3)
        {
            var entry = new XattrEntryView(raw[at..]);
            if ((byte)entry.e_name_index == SystemIndex && entry.e_name_len == 4 && raw.Slice(at + XattrEntryView.Size, 4).SequenceEqual("data"u8))
            {
                refersToEaInode = entry.e_value_inum != 0;
                return true;
            }
        }
        return false;
    }

    /// <summary>ext4_valid_inum.</summary>
    private static bool ValidInum(SbInfo sbi, uint ino) => ino == 2 || (ino >= sbi.s_first_ino && ino <= sbi.es.s_inodes_count);
}
