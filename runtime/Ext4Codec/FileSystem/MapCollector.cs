using System;
using System.Collections.Generic;
using Ext4Codec.Format;

namespace Ext4Codec.FileSystem;

/// <summary>Collects a whole block map into lists, for reports (hot paths walk with their own struct visitor).</summary>
public struct MapCollector : IBlockMapVisitor
{
    public List<ulong> MapBlocks;
    public List<ExtentRecord> Extents;

    /// <exception cref="CorruptDataException">The map is malformed.</exception>
    public static MapCollector Collect(Ext4FileSystem fs, uint ino, InodeView inode)
    {
        var c = new MapCollector { MapBlocks = [], Extents = [] };
        BlockMapper.Walk(fs, ino, inode, ref c);
        return c;
    }

    public readonly bool OnMapBlock(ulong block, int levelsBelow, ReadOnlySpan<byte> data)
    {
        MapBlocks.Add(block);
        return true;
    }

    public readonly bool OnExtent(in ExtentRecord extent)
    {
        Extents.Add(extent);
        return true;
    }
}
