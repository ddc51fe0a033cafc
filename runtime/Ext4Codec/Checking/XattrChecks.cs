using System;
using System.Buffers.Binary;
using Ext4Codec.Format;

namespace Ext4Codec.Checking;

/// <summary>
/// Pass 1's extended attribute checks as e2fsck 1.47.0 makes them (pass1.c check_ea_in_inode,
/// check_large_ea_inode): the in-inode area's layout (entries and values may not overlap, names and values must
/// fit, value hashes must match) and what an EA inode value charges to the inode that refers to it.
/// </summary>
internal static class XattrChecks
{
    private const int EntrySize = 16;
    private const int NameHashShift = 5;
    private const int ValueHashShift = 16;

    /// <summary>
    /// check_inode_extra_space: i_extra_isize must be 0 or a multiple of 4 from 4 to s_inode_size - 128
    /// (PR_1_EXTRA_ISIZE; declined, nothing more of the extra space is checked), then the in-inode xattrs.
    /// Returns the blocks their EA inode values charge the inode.
    /// </summary>
    public static ulong ExtraSpace(CheckContext ctx, uint ino, InodeView inode)
    {
        int max = inode.Length - 128;
        if (max <= 0 || !inode.Has_i_extra_isize) return 0;
        int extra = inode.i_extra_isize;
        if (extra != 0 && (extra < 4 || extra > max || (extra & 3) != 0))
        {
            ctx.Report("PR_1_EXTRA_ISIZE", 1, $"inode {ino} has an extra size ({extra}) which is invalid", ino: ino);
            return 0;
        }
        return InodeBody(ctx, ino, inode);
    }

    /// <summary>
    /// check_ea_in_inode: walks the in-inode area, reporting its first problem (the walk stops there), and returns
    /// the blocks its EA inode values charge (those met before any problem, as -n leaves them).
    /// </summary>
    private static ulong InodeBody(CheckContext ctx, uint ino, InodeView inode)
    {
        int max = inode.Length - 128;
        if (max <= 0 || !inode.Has_i_extra_isize) return 0;
        int extra = inode.i_extra_isize;
        // An invalid i_extra_isize (PR_1_EXTRA_ISIZE, left alone) or no room for the header: nothing is checked.
        if (extra != 0 && (extra < 4 || extra > max || (extra & 3) != 0)) return 0;
        if (extra >= max - 4) return 0;
        var header = Xattrs.XattrReader.InodeBody(inode, out _);
        if (header.IsEmpty) return 0;
        int storage = header.Length;
        var start = header[4..];
        Span<byte> used = storage <= 4096 ? stackalloc byte[storage] : new byte[storage];
        used.Clear();
        ulong quota = 0;
        string? problem = null;
        Allocate(used, 0, 4);
        int remain = storage - 4, at = 4;
        while (problem is null && remain >= EntrySize && BinaryPrimitives.ReadUInt32LittleEndian(header[at..]) != 0)
        {
            var entry = header[at..];
            int nameLen = entry[0];
            if (!Allocate(used, at, (nameLen + EntrySize + 3) & ~3)) { problem = "PR_1_INODE_EA_ALLOC_COLLISION"; break; }
            remain -= EntrySize;
            if (((nameLen + 3) & ~3) > remain) { problem = "PR_1_ATTR_NAME_LEN"; break; }
            remain -= (nameLen + 3) & ~3;
            var e = new XattrEntryView(entry);
            if (e.e_value_inum == 0)
            {
                if (e.e_value_size > (uint)remain) { problem = "PR_1_ATTR_VALUE_SIZE"; break; }
                int size = (int)e.e_value_size;
                if (size != 0 && !Allocate(used, 4 + e.e_value_offs, (size + 3) & ~3)) { problem = "PR_1_INODE_EA_ALLOC_COLLISION"; break; }
                // The hash reads whole words, padding included.
                var value = size == 0 ? default : start.Slice(e.e_value_offs, (size + 3) & ~3);
                if (e.e_hash != 0 && e.e_hash != Hash(entry, value, false) && e.e_hash != Hash(entry, value, true)) { problem = "PR_1_ATTR_HASH"; break; }
                remain -= size;
            }
            else
            {
                problem = LargeEaInode(ctx, ino, inode, entry, out ulong blocks);
                if (problem is not null) break;
                quota += blocks;
            }
            at += (nameLen + EntrySize + 3) & ~3;
        }
        if (problem is null && !Allocate(used, at, 4)) problem = "PR_1_INODE_EA_ALLOC_COLLISION";
        if (problem is not null) ctx.Report(problem, 1, $"inode {ino}: extended attribute in inode is corrupt ({problem})", ino: ino);
        return quota;
    }

    /// <summary>
    /// check_large_ea_inode (1.47.0): a value kept in an EA inode charges its size in clusters when the entry's
    /// hash names that inode; an old Lustre-style reference charges nothing. Returns the problem code, or null.
    /// </summary>
    public static string? LargeEaInode(CheckContext ctx, uint ino, InodeView inode, ReadOnlySpan<byte> entry, out ulong blocks)
    {
        blocks = 0;
        var g = ctx.Geometry;
        var e = new XattrEntryView(entry);
        uint target = e.e_value_inum;
        if (target < g.FirstInode || target > g.InodesCount) return "PR_1_ATTR_VALUE_EA_INODE";
        if (!ctx.Fs.Image.TryRead(ctx.Fs.InodeOffset(target), (int)g.InodeSize, out var eaBytes)) return "PR_1_ATTR_VALUE_EA_INODE";
        var ea = new InodeView(eaBytes);
        uint hash = WithEaInodeHash(Hash(entry, default, false), ea.i_atime), signedHash = WithEaInodeHash(Hash(entry, default, true), ea.i_atime);
        if (e.e_hash == hash || e.e_hash == signedHash)
        {
            ulong cluster = g.ClusterSize;
            blocks = (e.e_value_size + cluster - 1) / cluster * (cluster / g.BlockSize);
        }
        else if (!(ea.i_mtime == ino && ea.i_generation == inode.i_generation))
        {
            return (ea.i_flags & Ext4InodeFlags.EA_INODE_FL) == 0 ? "PR_1_ATTR_VALUE_EA_INODE" : "PR_1_ATTR_HASH";
        }
        return (ea.i_flags & Ext4InodeFlags.EA_INODE_FL) == 0 ? "PR_1_ATTR_NO_EA_INODE_FL" : null;
    }

    /// <summary>ext2fs_ext_attr_hash_entry(_signed): the name, then the value's little-endian words.</summary>
    public static uint Hash(ReadOnlySpan<byte> entry, ReadOnlySpan<byte> value, bool signedChars)
    {
        uint hash = 0;
        int nameLen = entry[0];
        foreach (byte c in entry.Slice(EntrySize, Math.Min(nameLen, entry.Length - EntrySize)))
            hash = (hash << NameHashShift) ^ (hash >> (32 - NameHashShift)) ^ (signedChars ? (uint)(sbyte)c : c);
        for (int i = 0; i < value.Length; i += 4)
        {
            uint word = 0;
            for (int k = 0; k < 4 && i + k < value.Length; k++) word |= (uint)value[i + k] << (8 * k);
            hash = (hash << ValueHashShift) ^ (hash >> (32 - ValueHashShift)) ^ word;
        }
        return hash;
    }

    /// <summary>ext2fs_ext_attr_hash_entry3 for an EA inode value: the name hash folded with the EA inode's hash (its i_atime).</summary>
    public static uint WithEaInodeHash(uint hash, uint eaInodeHash) => (hash << ValueHashShift) ^ (hash >> (32 - ValueHashShift)) ^ eaInodeHash;

    /// <summary>region_allocate: false when the range leaves the area or overlaps what is already allocated.</summary>
    public static bool Allocate(Span<byte> used, int start, int length)
    {
        if (start < 0 || length < 0 || start > used.Length - length) return false;
        var range = used.Slice(start, length);
        if (range.Contains((byte)1)) return false;
        range.Fill(1);
        return true;
    }
}
