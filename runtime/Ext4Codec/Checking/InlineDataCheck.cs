using System;
using System.Buffers.Binary;
using Ext4Codec.Format;

namespace Ext4Codec.Checking;

/// <summary>
/// Pass 1's inline-data checks (e2fsck 1.47.0 pass1.c, before the inode is marked in use): the flag on a
/// filesystem without the feature (PR_1_INLINE_DATA_FEATURE, PR_1_INLINE_DATA_SET), and the system.data attribute
/// the flag needs, found as get_inline_data_ea_size finds it through libext2fs's xattr reader
/// (ext2fs_xattrs_read_inode, read_xattrs_from_buffer). The reader's errors that mean "broken or missing
/// attribute" report PR_1_INLINE_DATA_NO_ATTR; any other error stops pass 1 with no message ("e2fsck: aborted"):
/// an odd i_extra_isize, an EA inode that cannot be read, and a wrong nonzero e_hash on an ordinary value (the
/// Lustre check then reads inode 0, which fails).
/// </summary>
internal static class InlineDataCheck
{
    private const uint XattrMagic = 0xEA020000;
    private const uint XattrMagicV1 = 0xEA010000;
    private const int EntrySize = 16;
    private const int BlockHeaderSize = 32;
    private const int MaxEaInodeValue = 64 * 1024;

    private enum Outcome { Found, NoAttr, Abort }

    /// <summary>Runs the checks for an in-use inode at or past s_first_ino; false when the feature is missing (pass 1 stops looking at inline data then).</summary>
    public static void Run(CheckContext ctx, uint ino, InodeView inode, bool failedCsum)
    {
        if ((inode.i_flags & Ext4InodeFlags.INLINE_DATA_FL) == 0 || ino < ctx.Geometry.FirstInode) return;
        if (!ctx.InlineDataFs)
        {
            bool readable = Probe(ctx, ino, inode, failedCsum, out _) != Outcome.Abort;
            if (readable) ctx.Report("PR_1_INLINE_DATA_FEATURE", 1, $"inode {ino} has inline data, but the superblock is missing the INLINE_DATA feature", ino: ino);
            ctx.Report("PR_1_INLINE_DATA_SET", 1, $"inode {ino} has INLINE_DATA_FL set on a filesystem without inline data support", ino: ino);
            // Declined: pass 1 treats the filesystem as one without inline data from here on.
            ctx.InlineDataFs = false;
            return;
        }
        switch (Probe(ctx, ino, inode, failedCsum, out string why))
        {
            case Outcome.NoAttr:
                ctx.Report("PR_1_INLINE_DATA_NO_ATTR", 1, $"inode {ino} has INLINE_DATA_FL flag but extended attribute not found ({why})", ino: ino);
                break;
            case Outcome.Abort:
                throw ctx.Abort($"inode {ino}: reading its inline data attribute fails ({why}); e2fsck 1.47.0 stops pass 1 without a message");
        }
    }

    /// <summary>get_inline_data_ea_size: the in-inode area, then the xattr block, then the system.data key.</summary>
    private static Outcome Probe(CheckContext ctx, uint ino, InodeView inode, bool failedCsum, out string why)
    {
        var g = ctx.Geometry;
        why = "";
        if (!g.Has(Ext4FeatureCompat.COMPAT_EXT_ATTR) && !g.Has(Ext4FeatureIncompat.INCOMPAT_INLINE_DATA))
            return No(out why, "the filesystem has no extended attributes");
        bool found = false;
        int size = inode.Length;
        int extra = inode.Has_i_extra_isize ? inode.i_extra_isize : 0;
        if (extra >= 2 && size > 128 + extra + 4)
        {
            if ((extra & 3) != 0) return Stop(out why, $"i_extra_isize {extra} is not a multiple of 4 (EXT2_ET_INODE_CORRUPTED)");
            if (BinaryPrimitives.ReadUInt32LittleEndian(inode.Data[(128 + extra)..]) == XattrMagic)
            {
                var entries = inode.Data[(128 + extra + 4)..];
                var outcome = ReadBuffer(ctx, ino, inode, entries, entries, 0, ref found, out why);
                if (outcome != Outcome.Found) return outcome;
            }
        }
        ulong blk = ctx.FileAcl(inode);
        if (blk != 0)
        {
            if (blk < g.FirstDataBlock || blk >= g.BlocksCount) return No(out why, $"xattr block {blk} is outside the filesystem (EXT2_ET_BAD_EA_BLOCK_NUM)");
            if (!ctx.Fs.Image.TryRead((long)blk * g.BlockSize, (int)g.BlockSize, out var block)) return Stop(out why, $"xattr block {blk} cannot be read");
            var header = new XattrHeaderView(block);
            bool headerOk = (header.h_magic == XattrMagic || header.h_magic == XattrMagicV1) && header.h_blocks == 1;
            if (!headerOk) return No(out why, $"xattr block {blk} has a bad header (EXT2_ET_BAD_EA_HEADER)");
            if (ctx.MetadataCsum && !failedCsum && !header.VerifyCsum(ctx.Fs.ChecksumSeed, blk))
                return No(out why, $"xattr block {blk} fails its checksum (EXT2_ET_EXT_ATTR_CSUM_INVALID)");
            if (header.h_magic != XattrMagic) return No(out why, $"xattr block {blk} is a version 1 block (EXT2_ET_BAD_EA_HEADER)");
            var outcome = ReadBuffer(ctx, ino, inode, block[BlockHeaderSize..], block, BlockHeaderSize, ref found, out why);
            if (outcome != Outcome.Found) return outcome;
        }
        return found ? Outcome.Found : No(out why, "no system.data attribute (EXT2_ET_EA_KEY_NOT_FOUND)");
    }

    /// <summary>
    /// read_xattrs_from_buffer: <paramref name="entries"/> runs to the end of the storage; values are at
    /// <c>e_value_offs</c> from <paramref name="values"/>, whose first <paramref name="entriesAt"/> bytes come before the entries.
    /// </summary>
    private static Outcome ReadBuffer(CheckContext ctx, uint ino, InodeView inode, ReadOnlySpan<byte> entries, ReadOnlySpan<byte> values, int entriesAt,
        ref bool found, out string why)
    {
        why = "";
        int storage = entries.Length;
        int valuesSize = storage + entriesAt;
        // The end of the entry table, with the names' lengths checked.
        int end = 0, remain = storage;
        while (remain >= EntrySize && BinaryPrimitives.ReadUInt32LittleEndian(entries[end..]) != 0)
        {
            remain -= EntrySize;
            int nameSize = (entries[end] + 3) & ~3;
            if (nameSize > remain) return No(out why, "an attribute name runs past the area (EXT2_ET_EA_BAD_NAME_LEN)");
            remain -= nameSize;
            end += EntrySize + nameSize;
        }
        remain = storage;
        for (int at = 0; remain >= EntrySize && BinaryPrimitives.ReadUInt32LittleEndian(entries[at..]) != 0;)
        {
            var entry = entries[at..];
            var e = new XattrEntryView(entry);
            int nameLen = entry[0];
            remain -= EntrySize + ((nameLen + 3) & ~3);
            if (!ctx.Geometry.Has(Ext4FeatureIncompat.INCOMPAT_EA_INODE) && e.e_value_inum != 0)
                return No(out why, "an attribute names an EA inode without the ea_inode feature (EXT2_ET_BAD_EA_BLOCK_NUM)");
            uint valueSize = e.e_value_size;
            ReadOnlySpan<byte> value = default;
            if (e.e_value_inum == 0)
            {
                if (valueSize > (uint)Math.Max(remain, 0)) return No(out why, "an attribute value is larger than the area (EXT2_ET_EA_BAD_VALUE_SIZE)");
                if (e.e_value_offs + valueSize > (uint)valuesSize) return No(out why, "an attribute value runs past the area (EXT2_ET_EA_BAD_VALUE_OFFSET)");
                if (valueSize > 0 && e.e_value_offs < entriesAt + end + 4) return No(out why, "an attribute value overlaps the entries (EXT2_ET_EA_BAD_VALUE_OFFSET)");
                remain -= (int)valueSize;
                int padded = Math.Min(((int)valueSize + 3) & ~3, values.Length - e.e_value_offs);
                value = values.Slice(e.e_value_offs, padded);
            }
            else
            {
                if (e.e_value_offs != 0) return No(out why, "an EA inode value has an offset (EXT2_ET_EA_BAD_VALUE_OFFSET)");
                if (valueSize > MaxEaInodeValue) return No(out why, "an EA inode value is larger than 64 KiB (EXT2_ET_EA_BAD_VALUE_SIZE)");
                var outcome = EaInode(ctx, e.e_value_inum, valueSize, out why);
                if (outcome != Outcome.Found) return outcome;
            }
            if (e.e_hash != 0 && !HashMatches(ctx, entry, value, e))
            {
                // The Lustre-style check reads the entry's EA inode: inode 0 for an ordinary value, which fails.
                if (e.e_value_inum == 0) return Stop(out why, "an attribute's e_hash does not match and the Lustre check reads inode 0 (EXT2_ET_BAD_INODE_NUM)");
                if (!ctx.TryReadInode(e.e_value_inum, out var child)) return Stop(out why, $"EA inode {e.e_value_inum} cannot be read");
                if (child.i_mtime != ino || child.i_generation != inode.i_generation) return No(out why, "an attribute's e_hash does not match (EXT2_ET_BAD_EA_HASH)");
            }
            if (e.e_name_index == Ext4XattrIndex.XATTR_INDEX_SYSTEM && IsData(entry.Slice(EntrySize, Math.Min(nameLen, entry.Length - EntrySize)))) found = true;
            at += EntrySize + ((nameLen + 3) & ~3);
            if (at > storage - 4) break;
        }
        return Outcome.Found;
    }

    /// <summary>ext2fs_xattr_get compares C strings: the name up to its first NUL must be "data".</summary>
    private static bool IsData(ReadOnlySpan<byte> name)
    {
        int nul = name.IndexOf((byte)0);
        return (nul < 0 ? name : name[..nul]).SequenceEqual("data"u8);
    }

    /// <summary>ext2fs_file_open of an EA inode and its sanity checks: unreadable stops pass 1, malformed is a missing attribute.</summary>
    private static Outcome EaInode(CheckContext ctx, uint target, uint valueSize, out string why)
    {
        why = "";
        if (!ctx.TryReadInode(target, out var ea)) return Stop(out why, $"EA inode {target} cannot be read (EXT2_ET_BAD_INODE_NUM)");
        // ext2fs_inode_csum_verify accepts an all-zero inode.
        if (ctx.MetadataCsum && !ea.VerifyCsum(ctx.Fs.ChecksumSeed, target) && ea.Data.IndexOfAnyExcept((byte)0) >= 0) return Stop(out why, $"EA inode {target} fails its checksum (EXT2_ET_INODE_CSUM_INVALID)");
        if ((ea.i_flags & Ext4InodeFlags.INLINE_DATA_FL) != 0 || (ea.i_flags & Ext4InodeFlags.EA_INODE_FL) == 0 || ea.i_links_count == 0)
            return No(out why, $"EA inode {target} is not a valid EA inode (EXT2_ET_EA_INODE_CORRUPTED)");
        if (ea.i_size != valueSize) return No(out why, $"EA inode {target} holds {ea.i_size} bytes, not {valueSize} (EXT2_ET_EA_BAD_VALUE_SIZE)");
        return Outcome.Found;
    }

    /// <summary>ext2fs_ext_attr_hash_entry3: the unsigned or the signed name hash, with the value's words or the EA inode's hash.</summary>
    private static bool HashMatches(CheckContext ctx, ReadOnlySpan<byte> entry, ReadOnlySpan<byte> value, XattrEntryView e)
    {
        if (e.e_value_inum == 0)
            return e.e_hash == XattrChecks.Hash(entry, value, false) || e.e_hash == XattrChecks.Hash(entry, value, true);
        uint eaHash = ctx.TryReadInode(e.e_value_inum, out var ea) ? ea.i_atime : 0;
        return e.e_hash == XattrChecks.WithEaInodeHash(XattrChecks.Hash(entry, default, false), eaHash)
            || e.e_hash == XattrChecks.WithEaInodeHash(XattrChecks.Hash(entry, default, true), eaHash);
    }

    private static Outcome No(out string why, string text)
    {
        why = text;
        return Outcome.NoAttr;
    }

    private static Outcome Stop(out string why, string text)
    {
        why = text;
        return Outcome.Abort;
    }
}
