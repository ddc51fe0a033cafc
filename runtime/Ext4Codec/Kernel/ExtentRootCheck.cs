using System;
using System.Globalization;
using Ext4Codec.Format;

namespace Ext4Codec.Kernel;

/// <summary>
/// __ext4_ext_check on the extent tree root in i_block (fs/ext4/extents.c, through ext4_ext_check_inode): header
/// fields against the root's four slots, then ext4_valid_extent_entries.
/// </summary>
internal static class ExtentRootCheck
{
    private const ushort ExtentMagic = 0xF30A;
    private const int RootSlots = 4;
    private const uint InitMaxLen = 32768;

    /// <summary>The kernel's "pblk ... bad header/extent: ..." text, or empty when the root checks out.</summary>
    public static string Check(SbInfo sbi, uint ino, ReadOnlySpan<byte> iblock)
    {
        var eh = new ExtentHeaderView(iblock);
        int depth = eh.eh_depth;
        int max = 0;
        ulong pblk = 0;
        string error = "";
        if (eh.eh_magic != ExtentMagic) error = "invalid magic";
        else if (eh.eh_max == 0) error = "invalid eh_max";
        else
        {
            max = RootSlots;
            if (eh.eh_max > max) error = "too large eh_max";
            else if (eh.eh_entries > eh.eh_max) error = "invalid eh_entries";
            else if (eh.eh_entries == 0 && depth > 0) error = "eh_entries is 0 but eh_depth is > 0";
            else if (!ValidEntries(sbi, ino, iblock, eh.eh_entries, depth, ref pblk)) error = "invalid extent entries";
            else if (depth > 32) error = "too large eh_depth";
        }
        if (error.Length == 0) return "";
        return string.Create(CultureInfo.InvariantCulture,
            $"pblk {pblk} bad header/extent: {error} - magic {eh.eh_magic:x}, entries {eh.eh_entries}, max {eh.eh_max}({max}), depth {depth}({depth})");
    }

    /// <summary>ext4_valid_extent_entries for the root: valid physical ranges, increasing logical starts.</summary>
    private static bool ValidEntries(SbInfo sbi, uint ino, ReadOnlySpan<byte> iblock, int entries, int depth, ref ulong pblk)
    {
        uint cur = 0;
        for (int i = 0; i < entries; i++)
        {
            var entry = iblock.Slice(ExtentHeaderView.Size + i * ExtentView.Size, ExtentView.Size);
            if (depth == 0)
            {
                var ext = new ExtentView(entry);
                uint len = ext.ee_len <= InitMaxLen ? ext.ee_len : ext.ee_len - InitMaxLen;
                uint lblock = ext.ee_block;
                if (unchecked(lblock + len) <= lblock || !sbi.InodeBlockValid(ino, ext.ee_start, len)) return false;
                if (lblock < cur)
                {
                    pblk = ext.ee_start;
                    return false;
                }
                cur = unchecked(lblock + len);
            }
            else
            {
                var idx = new ExtentIdxView(entry);
                if (!sbi.InodeBlockValid(ino, idx.ei_leaf, 1)) return false;
                if (idx.ei_block < cur)
                {
                    pblk = idx.ei_leaf;
                    return false;
                }
                cur = unchecked(idx.ei_block + 1);
            }
        }
        return true;
    }
}
