using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Directories;

/// <summary>
/// Lists a directory the way readdir sees it: every block in logical order (htree index blocks read as one
/// empty entry, so a linear walk covers indexed directories too), or the inline area with "." and ".."
/// synthesised from the stored parent. Bad blocks are reported and skipped, as ext4_readdir does.
/// </summary>
public static class DirectoryReader
{
    private const int InlineEntriesOffset = 4;

    /// <summary>Live entries (inode ≠ 0) of directory <paramref name="ino"/>.</summary>
    /// <param name="errors">Receives one located error per skipped block; when null, the first error throws.</param>
    /// <exception cref="CorruptDataException">The block map is malformed, or an entry is bad and <paramref name="errors"/> is null.</exception>
    public static List<DirectoryEntry> ReadAll(Ext4FileSystem fs, uint ino, InodeView inode, List<Corruption>? errors = null)
    {
        var entries = new List<DirectoryEntry>();
        var sink = new Sink(entries, errors, fs.Geometry.Has(Ext4FeatureIncompat.INCOMPAT_FILETYPE));
        uint inodesCount = fs.Geometry.InodesCount;
        uint blockSize = fs.Geometry.BlockSize;
        if (InodeContent.IsInline(inode))
        {
            long inodeOffset = fs.InodeOffset(ino);
            long areaOffset = inodeOffset + InodeLayout.Offsets.i_block;
            var area = inode.Data.Slice(InodeLayout.Offsets.i_block, 60);
            uint parent = BinaryPrimitives.ReadUInt32LittleEndian(area);
            entries.Add(new DirectoryEntry(ino, "."u8.ToArray(), Ext4FileType.FT_DIR, areaOffset));
            entries.Add(new DirectoryEntry(parent, ".."u8.ToArray(), Ext4FileType.FT_DIR, areaOffset));
            sink.Walk(new DirBlockWalker(area[InlineEntriesOffset..], areaOffset + InlineEntriesOffset, inodesCount, blockSize));
            var tail = InodeContent.InlineTail(inode, inodeOffset);
            if (!tail.IsEmpty)
                sink.Walk(new DirBlockWalker(tail, inodeOffset + OffsetIn(inode.Data, tail), inodesCount, blockSize));
            return entries;
        }
        var runs = new RunCollector(inode.i_size / blockSize);
        BlockMapper.Walk(fs, ino, inode, ref runs);
        foreach (var run in runs.Runs)
        {
            for (uint i = 0; i < run.Length; i++)
            {
                ulong block = run.Physical + i;
                var data = fs.ReadBlock(block, "ext4_dir_entry_2");
                sink.Walk(new DirBlockWalker(data, (long)block * blockSize, inodesCount, blockSize));
            }
        }
        return entries;
    }

    /// <summary>The inode named <paramref name="name"/> in the directory, or 0.</summary>
    public static uint Lookup(Ext4FileSystem fs, uint ino, InodeView inode, ReadOnlySpan<byte> name)
    {
        foreach (var entry in ReadAll(fs, ino, inode))
            if (name.SequenceEqual(entry.Name)) return entry.Inode;
        return 0;
    }

    /// <summary>Where <paramref name="inner"/> starts inside <paramref name="outer"/>, in bytes.</summary>
    internal static long OffsetIn(ReadOnlySpan<byte> outer, ReadOnlySpan<byte> inner)
        => System.Runtime.CompilerServices.Unsafe.ByteOffset(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(outer),
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(inner));

    private readonly struct Sink(List<DirectoryEntry> entries, List<Corruption>? errors, bool fileType)
    {
        public void Walk(DirBlockWalker walker)
        {
            Corruption error;
            while (walker.MoveNext(out error))
            {
                var e = walker.Entry;
                if (e.inode == 0) continue;
                var type = fileType ? (Ext4FileType)((byte)e.file_type & 7) : Ext4FileType.FT_UNKNOWN;
                entries.Add(new DirectoryEntry(e.inode, walker.Name.ToArray(), type, walker.EntryImageOffset));
            }
            if (error.Reason is null) return;
            if (errors is null) throw error.ToException();
            errors.Add(error);
        }
    }

    /// <summary>Collects the runs that hold the directory's blocks, up to i_size.</summary>
    private struct RunCollector(ulong blocks) : IBlockMapVisitor
    {
        public List<ExtentRecord> Runs = [];

        public readonly bool OnMapBlock(ulong block, int levelsBelow, ReadOnlySpan<byte> data) => true;

        public bool OnExtent(in ExtentRecord extent)
        {
            if (extent.Logical >= blocks) return false;
            if (!extent.Unwritten)
                Runs.Add(extent with { Length = (uint)Math.Min(extent.Length, blocks - extent.Logical) });
            return true;
        }
    }
}
