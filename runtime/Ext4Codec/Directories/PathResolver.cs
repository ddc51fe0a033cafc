using System;
using System.Text;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Directories;

/// <summary>Resolves absolute paths from the root inode, like debugfs: symbolic links are not followed.</summary>
public static class PathResolver
{
    /// <summary>The root directory's inode (EXT4_ROOT_INO).</summary>
    public const uint RootInode = 2;

    /// <summary>Resolves <paramref name="path"/> ("/a/b", or "&lt;12&gt;" for an inode number, as debugfs writes it).</summary>
    /// <returns>The inode number, or 0 with <paramref name="problem"/> set when a component is missing or not a directory.</returns>
    /// <exception cref="CorruptDataException">A directory on the way is malformed.</exception>
    public static uint Resolve(Ext4FileSystem fs, string path, out string? problem)
    {
        problem = null;
        if (path.StartsWith('<') && path.EndsWith('>') && uint.TryParse(path.AsSpan(1, path.Length - 2), out uint direct))
        {
            if (direct == 0 || direct > fs.Geometry.InodesCount) problem = $"inode {direct} is outside 1..{fs.Geometry.InodesCount}";
            return problem is null ? direct : 0;
        }
        uint ino = RootInode;
        string walked = "";
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var inode = fs.ReadInode(ino);
            if ((inode.i_mode & 0xF000) != (ushort)Ext4InodeType.S_IFDIR)
            {
                problem = $"{(walked.Length == 0 ? "/" : walked)}: not a directory";
                return 0;
            }
            walked += "/" + part;
            ino = DirectoryReader.Lookup(fs, ino, inode, Encoding.UTF8.GetBytes(part));
            if (ino == 0)
            {
                problem = $"{walked}: no such file or directory";
                return 0;
            }
        }
        return ino;
    }
}
