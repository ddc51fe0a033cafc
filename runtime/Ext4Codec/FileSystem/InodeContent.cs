using System;
using System.IO;
using Ext4Codec.Format;
using Ext4Codec.Xattrs;

namespace Ext4Codec.FileSystem;

/// <summary>
/// A file's bytes as the kernel returns them: mapped blocks, zeros for holes and unwritten extents, inline data
/// (i_block, then the <c>system.data</c> attribute), fast symlink targets; always cut at i_size.
/// </summary>
public static class InodeContent
{
    private static ReadOnlySpan<byte> SystemData => "data"u8;

    /// <summary>Kernel ext4_inode_is_fast_symlink: the target lives in i_block.</summary>
    /// <param name="clusterSize">Bytes per cluster: an attribute block accounts for one cluster of i_blocks.</param>
    public static bool IsFastSymlink(InodeView inode, uint clusterSize)
    {
        if ((inode.i_mode & 0xF000) != (ushort)Ext4InodeType.S_IFLNK) return false;
        if ((inode.i_flags & Ext4InodeFlags.EA_INODE_FL) != 0) return inode.i_size is > 0 and < 60;
        if ((inode.i_flags & Ext4InodeFlags.INLINE_DATA_FL) != 0) return false;
        ulong eaSectors = inode.i_file_acl != 0 ? clusterSize >> 9 : 0;
        return inode.i_blocks == eaSectors;
    }

    /// <summary>Whether the inode keeps its data in the inode (inline_data).</summary>
    public static bool IsInline(InodeView inode) => (inode.i_flags & Ext4InodeFlags.INLINE_DATA_FL) != 0;

    /// <summary>The inline bytes beyond i_block, in the in-inode <c>system.data</c> attribute.</summary>
    public static ReadOnlySpan<byte> InlineTail(InodeView inode, long inodeOffset)
        => XattrReader.TryFindInInode(inode, inodeOffset, Ext4XattrIndex.XATTR_INDEX_SYSTEM, SystemData, out var tail) ? tail : default;

    /// <summary>The whole content, at most <paramref name="maxBytes"/> bytes.</summary>
    /// <exception cref="CorruptDataException">The size exceeds <paramref name="maxBytes"/>, or the map is malformed.</exception>
    public static byte[] ReadAll(Ext4FileSystem fs, uint ino, InodeView inode, long maxBytes)
    {
        if (inode.i_size > (ulong)maxBytes)
            throw new Corruption("ext4_inode", "i_size", fs.InodeOffset(ino) + InodeLayout.Offsets.i_size_lo, $"inode {ino}: size {inode.i_size} exceeds the {maxBytes}-byte limit for this read").ToException();
        using var buffer = new MemoryStream((int)inode.i_size);
        CopyTo(fs, ino, inode, buffer);
        return buffer.ToArray();
    }

    /// <summary>Writes the content to <paramref name="output"/>.</summary>
    /// <exception cref="CorruptDataException">The map is malformed or points beyond the image.</exception>
    public static void CopyTo(Ext4FileSystem fs, uint ino, InodeView inode, Stream output)
    {
        ulong size = inode.i_size;
        if (IsInline(inode))
        {
            var head = inode.Data.Slice(InodeLayout.Offsets.i_block, 60);
            var tail = InlineTail(inode, fs.InodeOffset(ino));
            WriteCapped(output, head, ref size);
            WriteCapped(output, tail, ref size);
            WriteZeros(output, size);
            return;
        }
        if (IsFastSymlink(inode, fs.Geometry.ClusterSize))
        {
            var target = inode.Data.Slice(InodeLayout.Offsets.i_block, 60);
            WriteCapped(output, target, ref size);
            return;
        }
        if (!BlockMapper.HasBlockMap(inode, fs.Geometry.ClusterSize)) return;
        var copier = new Copier(fs, output, size);
        BlockMapper.Walk(fs, ino, inode, ref copier);
        copier.Finish();
    }

    private static void WriteCapped(Stream output, ReadOnlySpan<byte> bytes, ref ulong left)
    {
        int n = (int)Math.Min((ulong)bytes.Length, left);
        output.Write(bytes[..n]);
        left -= (ulong)n;
    }

    private static void WriteZeros(Stream output, ulong count)
    {
        Span<byte> zeros = stackalloc byte[4096];
        zeros.Clear();
        while (count > 0)
        {
            int n = (int)Math.Min(count, (ulong)zeros.Length);
            output.Write(zeros[..n]);
            count -= (ulong)n;
        }
    }

    /// <summary>Copies runs in logical order, filling the gaps between them with zeros.</summary>
    private struct Copier(Ext4FileSystem fs, Stream output, ulong size) : IBlockMapVisitor
    {
        private ulong _written;

        public readonly bool OnMapBlock(ulong block, int levelsBelow, ReadOnlySpan<byte> data) => true;

        public bool OnExtent(in ExtentRecord extent)
        {
            ulong blockSize = fs.Geometry.BlockSize;
            ulong start = extent.Logical * blockSize;
            if (start >= size) return false;
            WriteZeros(output, start - _written);
            _written = start;
            for (uint i = 0; i < extent.Length && _written < size; i++)
            {
                int n = (int)Math.Min(blockSize, size - _written);
                if (extent.Unwritten) WriteZeros(output, (ulong)n);
                else output.Write(fs.ReadBlock(extent.Physical + i, "file data")[..n]);
                _written += (ulong)n;
            }
            return _written < size;
        }

        public readonly void Finish() => WriteZeros(output, size - _written);
    }
}
