using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Ext4Codec.Directories;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Editing;

/// <summary>
/// Adds and removes directory entries the way ext4_add_entry and ext4_delete_entry leave them on disk: linear
/// blocks (a new block is appended when none has room), htree leaves (found by hash; a full leaf is split and
/// the index gains an entry), and inline directories (within i_block). Leaf checksum tails and htree node
/// checksums are resealed. Blocks come through the <see cref="MapCache"/>, so edits see earlier edits.
/// </summary>
public sealed class DirectoryEditor(FsEditor editor, MapCache maps, List<ExtentRecord> released)
{
    private const int EntryHeader = 8, TailSize = 12, InlineStart = 4, InlineEnd = 60;
    private readonly int _bs = editor.BlockSize;
    private readonly bool _fileType = editor.Geometry.Has(Ext4FeatureIncompat.INCOMPAT_FILETYPE);

    /// <summary>Bytes of a leaf block entries may use (the checksum tail takes the last 12 with metadata_csum).</summary>
    private int Usable => editor.MetadataCsum ? _bs - TailSize : _bs;

    /// <summary>The inode the name points at in the directory, or 0.</summary>
    public uint Lookup(uint dir, ReadOnlySpan<byte> name)
    {
        uint found = 0;
        var target = name.ToArray();
        ForEachEntry(dir, (data, offset, prev) =>
        {
            var e = new DirEntry2View(data[offset..]);
            if (e.inode == 0 || !target.AsSpan().SequenceEqual(data.Slice(offset + EntryHeader, e.name_len))) return false;
            found = e.inode;
            return true;
        });
        return found;
    }

    /// <summary>Removes the entry (ext4_generic_delete_entry: merged into the previous one, or its inode zeroed); false when absent.</summary>
    public bool Remove(uint dir, ReadOnlySpan<byte> name)
    {
        var target = name.ToArray();
        return ForEachEntry(dir, (data, offset, prev) =>
        {
            var e = new DirEntry2View(data[offset..]);
            if (e.inode == 0 || !target.AsSpan().SequenceEqual(data.Slice(offset + EntryHeader, e.name_len))) return false;
            int recLen = DirBlockWalker.DecodeRecLen(e.rec_len, (uint)_bs);
            if (prev >= 0)
            {
                var p = new DirEntry2Writer(data[prev..]);
                SetRecLen(p, DirBlockWalker.DecodeRecLen(p.AsView().rec_len, (uint)_bs) + recLen);
                data.Slice(offset, recLen).Clear();
            }
            else
            {
                new DirEntry2Writer(data[offset..]).inode = 0;
            }
            return true;
        });
    }

    /// <summary>Adds name → ino (ext4_add_entry); false when the name exists already (EEXIST).</summary>
    /// <exception cref="EditRefusedException">The entry needs a transformation that is not implemented.</exception>
    public bool Add(uint dir, ReadOnlySpan<byte> name, uint ino, ushort mode)
    {
        if (Lookup(dir, name) != 0) return false;
        var type = _fileType ? InodeFacts.DirEntryFileType(mode) : Ext4FileType.FT_UNKNOWN;
        var inode = editor.ReadInode(dir);
        if ((inode.i_flags & Ext4InodeFlags.INLINE_DATA_FL) != 0)
        {
            var data = editor.Inode(dir).Data;
            foreach (var (start, length) in InlineAreas(dir))
                if (TryInsert(data.Slice(start, length), name, ino, type)) return true;
            throw new EditRefusedException($"inline directory {dir} has no room for '{NameText.Escape(name)}' (growing system.data or moving it to a block is not implemented)");
        }
        if ((inode.i_flags & Ext4InodeFlags.INDEX_FL) != 0)
        {
            if (!TryAddIndexed(dir, name, ino, type))
                throw new EditRefusedException($"the htree index of directory {dir} is not usable (bad root, unknown hash or a level deeper than 3)");
            return true;
        }

        foreach (ulong physical in LeafBlocks(dir, inode))
        {
            var data = editor.Block(physical, "ext4_dir_entry_2");
            if (data.IndexOfAnyExcept((byte)0) < 0) InitLeaf(data);
            if (TryInsert(data[..Usable], name, ino, type))
            {
                SealLeaf(dir, data);
                return true;
            }
        }
        var fresh = AppendBlock(dir);
        InitLeaf(fresh);
        TryInsert(fresh[..Usable], name, ino, type);
        SealLeaf(dir, fresh);
        return true;
    }

    /// <summary>
    /// ext4_init_new_dir for a directory without blocks: "." and ".." in a first block, i_size one block, no htree
    /// flag (an index the logged inode claims has no blocks behind it; entries added later go in linear blocks).
    /// </summary>
    public void InitDirectory(uint dir, uint parent)
    {
        var inode = editor.Inode(dir);
        inode.i_flags &= ~Ext4InodeFlags.INDEX_FL;
        inode.i_size = 0;
        var data = AppendBlock(dir, at: 0);
        var dot = new DirEntry2Writer(data) { inode = dir, name_len = 1 };
        SetRecLen(dot, 12);
        data[EntryHeader] = (byte)'.';
        var dotdot = new DirEntry2Writer(data[12..]) { inode = parent, name_len = 2 };
        SetRecLen(dotdot, Usable - 12);
        data[12 + EntryHeader] = (byte)'.';
        data[12 + EntryHeader + 1] = (byte)'.';
        if (_fileType)
        {
            dot.file_type = Ext4FileType.FT_DIR;
            dotdot.file_type = Ext4FileType.FT_DIR;
        }
        if (editor.MetadataCsum) WriteTail(data);
        SealLeaf(dir, data);
    }

    /// <summary>Whether the directory has a block 0 (or inline data) to hold "." and "..".</summary>
    public bool HasBody(uint dir)
    {
        var inode = editor.ReadInode(dir);
        if ((inode.i_flags & Ext4InodeFlags.INLINE_DATA_FL) != 0) return true;
        return maps.Get(dir).Lookup(0) is not null;
    }

    /// <summary>A new zeroed block mapped at the directory's end (or <paramref name="at"/>), i_size grown to cover it.</summary>
    private Span<byte> AppendBlock(uint dir, ulong? at = null)
    {
        var map = maps.Get(dir);
        var inode = editor.ReadInode(dir);
        ulong lblk = at ?? (inode.i_size + (ulong)_bs - 1) / (ulong)_bs;
        ulong goal = map.Runs.Count > 0 ? map.Runs[^1].Physical + map.Runs[^1].Length : editor.Fs.GroupFirstBlock((dir - 1) / editor.Geometry.InodesPerGroup);
        ulong physical = editor.AllocateBlock(goal);
        map.Add(new ExtentRecord(lblk, 1, physical, false), released);
        var w = editor.Inode(dir);
        if (w.AsView().i_size < (lblk + 1) * (ulong)_bs) w.i_size = (lblk + 1) * (ulong)_bs;
        var data = editor.Block(physical, "ext4_dir_entry_2");
        data.Clear();
        return data;
    }

    private void InitLeaf(Span<byte> data)
    {
        data.Clear();
        SetRecLen(new DirEntry2Writer(data), Usable);
        if (editor.MetadataCsum) WriteTail(data);
    }

    private void WriteTail(Span<byte> data)
    {
        var tail = data[(_bs - TailSize)..];
        tail.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(tail[4..], TailSize);
        tail[7] = 0xDE;
    }

    private void SealLeaf(uint dir, Span<byte> data)
    {
        if (editor.MetadataCsum) new DirLeafBlockWriter(data).ResealCsum(editor.InodeSeed(dir));
    }

    /// <summary>Puts the entry in the first gap big enough (add_dirent_to_buf).</summary>
    private bool TryInsert(Span<byte> area, ReadOnlySpan<byte> name, uint ino, Ext4FileType type)
    {
        int need = (EntryHeader + name.Length + 3) & ~3;
        for (int offset = 0; offset + EntryHeader <= area.Length;)
        {
            var e = new DirEntry2View(area[offset..]);
            int recLen = DirBlockWalker.DecodeRecLen(e.rec_len, (uint)_bs);
            if (recLen < EntryHeader || offset + recLen > area.Length) return false;
            int used = e.inode != 0 ? (EntryHeader + e.name_len + 3) & ~3 : 0;
            if (recLen - used >= need)
            {
                int at = offset;
                if (used != 0)
                {
                    SetRecLen(new DirEntry2Writer(area[offset..]), used);
                    at = offset + used;
                }
                var w = new DirEntry2Writer(area[at..]) { inode = ino, name_len = (byte)name.Length, file_type = type };
                SetRecLen(w, recLen - used);
                name.CopyTo(area[(at + EntryHeader)..]);
                return true;
            }
            offset += recLen;
        }
        return false;
    }

    /// <summary>Sees one entry (used or free) at <paramref name="offset"/>, the previous one at <paramref name="previous"/> (-1 for none); true stops the walk.</summary>
    private delegate bool EntryVisitor(Span<byte> data, int offset, int previous);

    /// <summary>Visits the entries of every leaf block (or the inline area) until <paramref name="visit"/> returns true; that block is resealed.</summary>
    private bool ForEachEntry(uint dir, EntryVisitor visit)
    {
        var inode = editor.ReadInode(dir);
        if ((inode.i_flags & Ext4InodeFlags.INLINE_DATA_FL) != 0)
        {
            var data = editor.Inode(dir).Data;
            foreach (var (start, length) in InlineAreas(dir))
                if (Walk(data.Slice(start, length), visit)) return true;
            return false;
        }
        foreach (ulong physical in LeafBlocks(dir, inode))
        {
            var data = editor.Block(physical, "ext4_dir_entry_2");
            if (data.IndexOfAnyExcept((byte)0) < 0) continue;
            if (Walk(data[..Usable], visit))
            {
                SealLeaf(dir, data);
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Mapped leaf blocks below i_size in logical order, bounded by what is mapped whatever i_size claims. In an
    /// indexed directory the root (block 0) and interior nodes (one empty entry spanning the block) are left out.
    /// </summary>
    private List<ulong> LeafBlocks(uint dir, InodeView inode)
    {
        ulong blocks = (inode.i_size + (ulong)_bs - 1) / (ulong)_bs;
        bool indexed = (inode.i_flags & Ext4InodeFlags.INDEX_FL) != 0;
        var result = new List<ulong>();
        foreach (var run in maps.Get(dir).Runs)
        {
            if (run.Unwritten) continue;
            for (ulong i = 0; i < run.Length && run.Logical + i < blocks; i++)
            {
                if (indexed && (run.Logical + i == 0 || IsIndexNode(run.Physical + i))) continue;
                result.Add(run.Physical + i);
            }
        }
        return result;
    }

    private bool IsIndexNode(ulong block)
    {
        var first = new DirEntry2View(editor.Block(block, "dx_node"));
        return first.inode == 0 && DirBlockWalker.DecodeRecLen(first.rec_len, (uint)_bs) == _bs;
    }

    /// <summary>Where an inline directory's entries live, as offsets in the inode: i_block after the parent, then the system.data value.</summary>
    private List<(int Start, int Length)> InlineAreas(uint dir)
    {
        var areas = new List<(int, int)> { (InodeLayout.Offsets.i_block + InlineStart, InlineEnd - InlineStart) };
        var inode = editor.ReadInode(dir);
        var tail = InodeContent.InlineTail(inode, editor.Fs.InodeOffset(dir));
        if (!tail.IsEmpty)
        {
            areas.Add(((int)DirectoryReader.OffsetIn(inode.Data, tail), tail.Length));
        }
        return areas;
    }

    private bool Walk(Span<byte> area, EntryVisitor visit)
    {
        int previous = -1;
        for (int offset = 0; offset + EntryHeader <= area.Length;)
        {
            int recLen = DirBlockWalker.DecodeRecLen(new DirEntry2View(area[offset..]).rec_len, (uint)_bs);
            if (recLen < EntryHeader || offset + recLen > area.Length)
                throw new Corruption("ext4_dir_entry_2", "rec_len", offset, $"bad rec_len {recLen} at offset {offset}").ToException();
            if (visit(area, offset, previous)) return true;
            previous = offset;
            offset += recLen;
        }
        return false;
    }

    private void SetRecLen(DirEntry2Writer entry, int length)
        => entry.rec_len = _bs >= 65536 && length == 65536 ? (ushort)65535 : (ushort)(length | (length >> 16));

    // ---- htree ----

    /// <summary>Adds through the index (dx_probe, then add_dirent_to_buf or do_split); false when the index is unusable and a linear add should be tried.</summary>
    private bool TryAddIndexed(uint dir, ReadOnlySpan<byte> name, uint ino, Ext4FileType type)
    {
        var map = maps.Get(dir);
        if (map.Lookup(0) is not ulong rootBlock) return false;
        var root = editor.Block(rootBlock, "dx_root");
        var info = new DxRootInfoView(root[0x18..]);
        if (info.info_length != 8 || info.indirect_levels > 2 || !DxHash.IsSupported(DxHash.Effective(info.hash_version, editor.Fs.SuperBlock.s_flags))) return false;
        var version = DxHash.Effective(info.hash_version, editor.Fs.SuperBlock.s_flags);
        var seed = editor.Fs.SuperBlock.s_hash_seed.ToArray();
        uint hash = DxHash.Compute(name, version, seed).Hash;

        // Walk down: each level's count/limit sits at 0x20 (root) or 0x08 (node).
        Span<byte> node = root;
        ulong nodeBlock = rootBlock;
        int entriesAt = 0x20;
        int at = 0;
        for (int level = 0; ; level++)
        {
            at = Probe(node[entriesAt..], hash);
            uint child = BinaryPrimitives.ReadUInt32LittleEndian(node[(entriesAt + at * 8 + 4)..]);
            if (level == info.indirect_levels)
            {
                if (map.Lookup(child) is not ulong leafBlock) return false;
                var leaf = editor.Block(leafBlock, "ext4_dir_entry_2");
                if (TryInsert(leaf[..Usable], name, ino, type))
                {
                    SealLeaf(dir, leaf);
                    return true;
                }
                SplitLeaf(dir, node, nodeBlock, entriesAt, at, leaf, version, seed);
                return TryAddIndexed(dir, name, ino, type);
            }
            if (map.Lookup(child) is not ulong next) return false;
            nodeBlock = next;
            node = editor.Block(next, "dx_node");
            entriesAt = 0x08;
        }
    }

    /// <summary>The index of the last entry whose hash is at most <paramref name="hash"/> (entry 0 has none).</summary>
    private static int Probe(ReadOnlySpan<byte> entries, uint hash)
    {
        int count = BinaryPrimitives.ReadUInt16LittleEndian(entries[2..]);
        int lo = 1, hi = count - 1;
        while (lo <= hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (BinaryPrimitives.ReadUInt32LittleEndian(entries[(mid * 8)..]) > hash) hi = mid - 1;
            else lo = mid + 1;
        }
        return lo - 1;
    }

    /// <summary>do_split: the upper half of the leaf (by hash) moves to a new block, which gets an index entry after <paramref name="at"/>.</summary>
    private void SplitLeaf(uint dir, Span<byte> node, ulong nodeBlock, int entriesAt, int at, Span<byte> leaf, Ext4HashVersion version, byte[] seed)
    {
        int limit = BinaryPrimitives.ReadUInt16LittleEndian(node[entriesAt..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(node[(entriesAt + 2)..]);
        if (count >= limit)
            throw new EditRefusedException($"htree node of directory {dir} is full (growing the index is not implemented)");

        var live = new List<(uint Hash, uint Minor, byte[] Entry)>();
        Walk(leaf[..Usable], (data, offset, prev) =>
        {
            var e = new DirEntry2View(data[offset..]);
            if (e.inode == 0) return false;
            var name = data.Slice(offset + EntryHeader, e.name_len);
            var (h, m) = DxHash.Compute(name, version, seed);
            live.Add((h, m, data.Slice(offset, EntryHeader + e.name_len).ToArray()));
            return false;
        });
        live.Sort((a, b) => a.Hash != b.Hash ? a.Hash.CompareTo(b.Hash) : a.Minor.CompareTo(b.Minor));
        int total = 0, half = 0, split = live.Count / 2;
        foreach (var l in live) total += (l.Entry.Length + 3) & ~3;
        for (int i = 0; i < live.Count; i++)
        {
            half += (live[i].Entry.Length + 3) & ~3;
            if (half > total / 2) { split = Math.Max(1, i); break; }
        }
        uint hash2 = live[split].Hash;
        bool continued = hash2 == live[split - 1].Hash;

        var fresh = AppendBlock(dir);
        ulong freshLblk = (editor.ReadInode(dir).i_size / (ulong)_bs) - 1;
        Fill(leaf, live.GetRange(0, split));
        Fill(fresh, live.GetRange(split, live.Count - split));
        SealLeaf(dir, leaf);
        SealLeaf(dir, fresh);

        // Insert (hash2 | continued, fresh) after entry `at`.
        var entries = node[entriesAt..];
        for (int i = count; i > at + 1; i--) entries.Slice((i - 1) * 8, 8).CopyTo(entries[(i * 8)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(entries[((at + 1) * 8)..], hash2 | (continued ? 1u : 0u));
        BinaryPrimitives.WriteUInt32LittleEndian(entries[((at + 1) * 8 + 4)..], (uint)freshLblk);
        BinaryPrimitives.WriteUInt16LittleEndian(entries[2..], (ushort)(count + 1));
        if (editor.MetadataCsum)
        {
            uint seedCsum = editor.InodeSeed(dir);
            if (entriesAt == 0x20) new DxRootWriter(node).ResealCsum(seedCsum);
            else new DxNodeWriter(node).ResealCsum(seedCsum);
        }
    }

    private void Fill(Span<byte> block, List<(uint Hash, uint Minor, byte[] Entry)> entries)
    {
        block.Clear();
        int offset = 0;
        for (int i = 0; i < entries.Count; i++)
        {
            var bytes = entries[i].Entry;
            bytes.CopyTo(block[offset..]);
            int recLen = i == entries.Count - 1 ? Usable - offset : (bytes.Length + 3) & ~3;
            SetRecLen(new DirEntry2Writer(block[offset..]), recLen);
            offset += recLen;
        }
        if (entries.Count == 0) SetRecLen(new DirEntry2Writer(block), Usable);
        if (editor.MetadataCsum) WriteTail(block);
    }
}
