using Ext4Codec.Editing;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Versioning;

/// <summary>
/// Proposal static_whiteout's mkfs step: one character device 0:0, mode 0, owner 0:0, made in a free inode and named
/// in the superblock (s_whiteout_inum, COMPAT_SHARED_WHITEOUT). It has no directory entry of its own; each whiteout
/// is a hard link to it, and its i_links_count counts those links (starting at 1, as the spec's note says).
/// </summary>
public static class SharedWhiteout
{
    /// <summary>Makes the shared whiteout on a writable filesystem; returns its inode number.</summary>
    /// <exception cref="EditRefusedException">No free inode, or the image cannot be edited.</exception>
    public static uint Create(Ext4FileSystem fs)
    {
        var editor = new FsEditor(fs);
        uint ino = editor.FreeInodes(1)[0];
        editor.SetInode(ino, true);
        var inode = editor.Inode(ino);
        inode.Data.Clear();
        inode.i_mode = (ushort)Ext4InodeType.S_IFCHR;
        inode.i_links_count = 1;
        uint now = fs.SuperBlock.s_wtime;
        inode.i_ctime = now;
        inode.i_mtime = now;
        inode.i_atime = now;
        if (fs.Geometry.InodeSize > 128) inode.i_extra_isize = (ushort)System.Math.Min(32, fs.Geometry.InodeSize - 128);
        var sb = new SuperBlockWriter(fs.Image.Write(Ext4FileSystem.SuperBlockOffset, SuperBlockView.Size, "ext4_super_block"));
        sb.s_feature_compat |= Ext4FeatureCompat.COMPAT_SHARED_WHITEOUT;
        sb.s_whiteout_inum = ino;
        editor.Commit();
        return ino;
    }

    /// <summary>The shared whiteout's inode under proposal static_whiteout, or 0 when the filesystem has none.</summary>
    public static uint Of(Ext4FileSystem fs)
    {
        var sb = fs.SuperBlock;
        return sb.Has_s_whiteout_inum ? sb.s_whiteout_inum : 0;
    }
}
