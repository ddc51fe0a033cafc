using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Editing;

/// <summary>
/// Writes an <see cref="ExtentMap"/> as an extent tree of the least depth that holds it: up to four extents in
/// the inode's i_block, otherwise full leaf blocks under as many index levels as needed. Node blocks of the old
/// tree are reused first; new ones come from the replay allocator; left-over old ones are returned to the caller
/// to free. Every node block gets its ext4_extent_tail checksum.
/// </summary>
public static class ExtentTreeWriter
{
    private const ushort Magic = 0xF30A;
    private const int HeaderSize = 12, EntrySize = 12, RootEntries = 4;

    /// <summary>Stores <paramref name="map"/> in inode <paramref name="ino"/> (which must have EXTENTS_FL).</summary>
    /// <param name="oldNodes">The tree's node blocks before the edit; those not reused are added to <paramref name="released"/>.</param>
    /// <returns>The node blocks of the new tree.</returns>
    public static List<ulong> Store(FsEditor editor, uint ino, ExtentMap map, IReadOnlyList<ulong> oldNodes, List<ExtentRecord> released)
    {
        int perBlock = (editor.BlockSize - HeaderSize) / EntrySize;
        var runs = Split(map.Runs);
        var level = new List<(uint First, ulong Target, ExtentRecord Extent)>(runs.Count);
        foreach (var r in runs) level.Add(((uint)r.Logical, 0, r));

        uint seed = editor.MetadataCsum ? editor.InodeSeed(ino) : 0;
        var nodes = new List<ulong>();
        int reuse = 0;
        ulong goal = runs.Count > 0 ? runs[0].Physical : editor.Fs.GroupFirstBlock((ino - 1) / editor.Geometry.InodesPerGroup);
        ushort depth = 0;
        while (level.Count > RootEntries)
        {
            var parents = new List<(uint First, ulong Target, ExtentRecord Extent)>();
            for (int start = 0; start < level.Count; start += perBlock)
            {
                int count = Math.Min(perBlock, level.Count - start);
                ulong block = reuse < oldNodes.Count ? oldNodes[reuse++] : editor.AllocateBlock(goal);
                nodes.Add(block);
                var data = editor.Block(block, "ext4_extent_header");
                data.Clear();
                WriteNode(data, level.GetRange(start, count), (ushort)perBlock, depth);
                if (editor.MetadataCsum) new ExtentHeaderWriter(data).ResealCsum(seed);
                parents.Add((level[start].First, block, default));
            }
            level = parents;
            depth++;
        }
        for (int i = reuse; i < oldNodes.Count; i++) released.Add(new ExtentRecord(0, 1, oldNodes[i], false));

        var inode = editor.Inode(ino);
        var root = inode.Data.Slice(InodeLayout.Offsets.i_block, 60);
        root.Clear();
        WriteNode(root, level, RootEntries, depth);
        return nodes;
    }

    /// <summary>Runs longer than one extent can say are cut into several.</summary>
    private static List<ExtentRecord> Split(IReadOnlyList<ExtentRecord> runs)
    {
        var result = new List<ExtentRecord>(runs.Count);
        foreach (var r in runs)
        {
            uint max = r.Unwritten ? ExtentMap.MaxUnwritten : ExtentMap.MaxWritten;
            for (uint done = 0; done < r.Length; done += max)
                result.Add(new ExtentRecord(r.Logical + done, Math.Min(max, r.Length - done), r.Physical + done, r.Unwritten));
        }
        return result;
    }

    private static void WriteNode(Span<byte> data, List<(uint First, ulong Target, ExtentRecord Extent)> entries, ushort max, ushort depth)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(data, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(data[2..], (ushort)entries.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(data[4..], max);
        BinaryPrimitives.WriteUInt16LittleEndian(data[6..], depth);
        BinaryPrimitives.WriteUInt32LittleEndian(data[8..], 0);
        for (int i = 0; i < entries.Count; i++)
        {
            var e = data.Slice(HeaderSize + i * EntrySize, EntrySize);
            var (first, target, extent) = entries[i];
            BinaryPrimitives.WriteUInt32LittleEndian(e, first);
            if (depth == 0)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(e[4..], (ushort)(extent.Unwritten ? extent.Length + 32768 : extent.Length));
                BinaryPrimitives.WriteUInt16LittleEndian(e[6..], (ushort)(extent.Physical >> 32));
                BinaryPrimitives.WriteUInt32LittleEndian(e[8..], (uint)extent.Physical);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(e[4..], (uint)target);
                BinaryPrimitives.WriteUInt16LittleEndian(e[8..], (ushort)(target >> 32));
                BinaryPrimitives.WriteUInt16LittleEndian(e[10..], 0);
            }
        }
    }
}
