using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using Ext4Codec.Directories;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Reports;

namespace Ext4Codec.Tests.Reader;

/// <summary>
/// The tree as corpus/make-kernel-images.sh dumps it from the mounted kernel: one tab-separated line per path
/// (path, type, mode, uid, gid, nlink, size, rdev, inode, sha256 | link target | -), sorted bytewise.
/// </summary>
public static class CanonicalTree
{
    public static List<string> Lines(Ext4FileSystem fs, List<Corruption> errors)
    {
        var lines = new List<string>();
        foreach (var node in TreeWalker.Walk(fs, PathResolver.RootInode, "/", errors))
        {
            var inode = fs.ReadInode(node.Inode);
            var type = InodeFacts.Type(inode);
            var (major, minor) = InodeFacts.Device(inode);
            string content = type switch
            {
                Ext4InodeType.S_IFREG => Sha256(fs, node.Inode, inode),
                Ext4InodeType.S_IFLNK => Encoding.UTF8.GetString(InodeReport.SymlinkTarget(fs, node.Inode, inode)),
                _ => "-",
            };
            lines.Add(string.Join('\t', node.Path, InodeFacts.TypeLetter(type).ToString(),
                InodeFacts.OctalPermissions(InodeFacts.Permissions(inode)),
                inode.i_uid_full.ToString(CultureInfo.InvariantCulture), inode.i_gid_full.ToString(CultureInfo.InvariantCulture),
                inode.i_links_count.ToString(CultureInfo.InvariantCulture), inode.i_size.ToString(CultureInfo.InvariantCulture),
                $"{major}:{minor}", node.Inode.ToString(CultureInfo.InvariantCulture), content));
        }
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static string Sha256(Ext4FileSystem fs, uint ino, InodeView inode)
    {
        using var hash = new HashingStream();
        InodeContent.CopyTo(fs, ino, inode, hash);
        return hash.Hex();
    }

    /// <summary>A write-only stream that hashes what it is given.</summary>
    private sealed class HashingStream : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public string Hex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override void Write(ReadOnlySpan<byte> buffer) => _hash.AppendData(buffer);

        public override void Write(byte[] buffer, int offset, int count) => _hash.AppendData(buffer, offset, count);

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
