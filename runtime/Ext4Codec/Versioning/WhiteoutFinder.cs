using System.Collections.Generic;
using Ext4Codec.Directories;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Versioning;

/// <summary>
/// Overlayfs whiteouts in a filesystem: names of character devices 0:0 (IS_WHITEOUT: S_ISCHR and rdev 0), which
/// under proposal static_whiteout are links to the shared whiteout inode s_whiteout_inum. The device number is read
/// from i_block as the kernel decodes it (i_block[0], or the new encoding in i_block[1] when i_block[0] is 0).
/// </summary>
public static class WhiteoutFinder
{
    /// <summary>Every whiteout path under the root, in name order; unreadable directories are skipped.</summary>
    public static List<string> Find(Ext4FileSystem fs)
    {
        var found = new List<string>();
        var errors = new List<Corruption>();
        try
        {
            foreach (var node in TreeWalker.Walk(fs, 2, "/", errors))
                if (node.Depth > 0 && IsWhiteout(fs, node.Inode)) found.Add(node.Path);
        }
        catch (CorruptDataException)
        {
            // The root itself cannot be read: no whiteout can be reached.
        }
        return found;
    }

    public static bool IsWhiteout(Ext4FileSystem fs, uint ino)
    {
        if (ino == 0 || ino > fs.Geometry.InodesCount) return false;
        InodeView inode;
        try
        {
            inode = fs.ReadInode(ino);
        }
        catch (CorruptDataException)
        {
            return false;
        }
        return InodeFacts.Type(inode) == Ext4InodeType.S_IFCHR && Device(inode) == (0, 0);
    }

    /// <summary>ext4_iget's decoding of a device inode's number: old_decode_dev(i_block[0]) or new_decode_dev(i_block[1]).</summary>
    public static (uint Major, uint Minor) Device(InodeView inode)
    {
        uint old = inode.i_block(0);
        if (old != 0) return ((old >> 8) & 0xFF, old & 0xFF);
        uint dev = inode.i_block(1);
        return ((dev & 0xFFF00) >> 8, (dev & 0xFF) | ((dev >> 12) & 0xFFF00));
    }
}
