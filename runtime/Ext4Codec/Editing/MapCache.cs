using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Editing;

/// <summary>
/// The block maps of the inodes being edited, held in memory until <see cref="StoreAll"/> writes each once.
/// A map is loaded from the inode's extent tree on first use (an inode without one starts empty); the tree's
/// old node blocks are remembered so the rewrite can reuse or release them.
/// </summary>
public sealed class MapCache(FsEditor editor)
{
    private sealed record Entry(ExtentMap Map, List<ulong> OldNodes);

    private readonly Dictionary<uint, Entry> _maps = [];

    public IEnumerable<uint> Inodes => _maps.Keys;

    public bool Contains(uint ino) => _maps.ContainsKey(ino);

    /// <summary>The inode's map; <paramref name="loadFromDisk"/> false starts from an empty map (a slot whose old tree must not be trusted).</summary>
    /// <exception cref="CorruptDataException">The on-disk tree is malformed.</exception>
    /// <exception cref="EditRefusedException">The inode uses a legacy block map.</exception>
    public ExtentMap Get(uint ino, bool loadFromDisk = true)
    {
        if (_maps.TryGetValue(ino, out var entry)) return entry.Map;
        var inode = editor.ReadInode(ino);
        var runs = new List<ExtentRecord>();
        var nodes = new List<ulong>();
        bool extents = (inode.i_flags & Ext4InodeFlags.EXTENTS_FL) != 0 && (inode.i_flags & Ext4InodeFlags.INLINE_DATA_FL) == 0;
        if (loadFromDisk && extents)
        {
            var collected = MapCollector.Collect(editor.Fs, ino, inode);
            runs = collected.Extents;
            nodes = collected.MapBlocks;
        }
        else if (loadFromDisk && BlockMapper.HasBlockMap(inode, editor.Geometry.ClusterSize) && (inode.i_flags & Ext4InodeFlags.INLINE_DATA_FL) == 0 && HasAnyBlock(inode))
        {
            throw new EditRefusedException($"inode {ino} uses a legacy block map; only extent-mapped files can be edited");
        }
        entry = new Entry(new ExtentMap(runs), nodes);
        _maps[ino] = entry;
        return entry.Map;
    }

    /// <summary>Forgets the inode's blocks (it is being deleted, or its slot reused): its map becomes empty, its old nodes are released at <see cref="StoreAll"/>.</summary>
    public ExtentMap Reset(uint ino, List<ExtentRecord> released)
    {
        var map = Get(ino);
        var all = new List<ExtentRecord>(map.Runs);
        foreach (var r in all) map.Remove(r.Logical, r.Length, released);
        return map;
    }

    /// <summary>
    /// Writes every map whose inode is extent-mapped (a deleted inode's map is empty by then); for the others
    /// (now inline) releases the old tree and blocks. Returns the node blocks of the new trees, per inode.
    /// </summary>
    public Dictionary<uint, List<ulong>> StoreAll(List<ExtentRecord> released)
    {
        var nodes = new Dictionary<uint, List<ulong>>();
        foreach (var (ino, entry) in _maps)
        {
            var inode = editor.ReadInode(ino);
            bool extents = (inode.i_flags & Ext4InodeFlags.EXTENTS_FL) != 0 && (inode.i_flags & Ext4InodeFlags.INLINE_DATA_FL) == 0;
            if (extents)
            {
                nodes[ino] = ExtentTreeWriter.Store(editor, ino, entry.Map, entry.OldNodes, released);
                continue;
            }
            foreach (ulong b in entry.OldNodes) released.Add(new ExtentRecord(0, 1, b, false));
            foreach (var r in entry.Map.Runs) released.Add(r);
            nodes[ino] = [];
        }
        return nodes;
    }

    private static bool HasAnyBlock(InodeView inode)
    {
        for (int i = 0; i < 15; i++) if (inode.i_block(i) != 0) return true;
        return false;
    }
}
