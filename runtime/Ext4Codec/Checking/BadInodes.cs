using System;
using Ext4Codec.Format;

namespace Ext4Codec.Checking;

/// <summary>
/// Pass 2's e2fsck_process_bad_inode (pass2.c), run for every entry that names an inode pass 1 put in its
/// inode_bad_map: the xattr block without the feature, a mode no file has, a device, FIFO or socket whose i_block
/// is not a device number, an invalid symlink, then fields that must be zero (i_faddr, the Hurd's fragment
/// fields, halves a feature does not enable) and an out-of-range xattr block. With -n nothing is fixed, so the
/// inode stays in the map and the questions come again for each further name.
/// </summary>
internal static class BadInodes
{
    public static void Process(CheckContext ctx, uint ino, uint dir, long at)
    {
        if (!ctx.TryReadInode(ino, out var inode)) return;
        var g = ctx.Geometry;
        void Ask(string code, string message) => ctx.Report(code, 2, $"inode {ino} (in directory {dir}): {message}", ino: ino, offset: at);
        ulong acl = ctx.FileAcl(inode);
        if (acl != 0 && !g.Has(Ext4FeatureCompat.COMPAT_EXT_ATTR)) Ask("PR_2_FILE_ACL_ZERO", $"i_file_acl is {acl}, should be zero");
        var type = (Ext4InodeType)(inode.i_mode & 0xF000);
        bool device = type is Ext4InodeType.S_IFCHR or Ext4InodeType.S_IFBLK or Ext4InodeType.S_IFIFO or Ext4InodeType.S_IFSOCK;
        if (type is not (Ext4InodeType.S_IFREG or Ext4InodeType.S_IFDIR or Ext4InodeType.S_IFLNK) && !device)
            Ask("PR_2_BAD_MODE", $"has an invalid mode 0{Convert.ToString(inode.i_mode, 8)}");
        else if (device && !InodePass.DeviceInodeIsValid(inode))
        {
            string code = type switch
            {
                Ext4InodeType.S_IFCHR => "PR_2_BAD_CHAR_DEV",
                Ext4InodeType.S_IFBLK => "PR_2_BAD_BLOCK_DEV",
                Ext4InodeType.S_IFIFO => "PR_2_BAD_FIFO",
                _ => "PR_2_BAD_SOCKET",
            };
            Ask(code, "is an illegal " + type switch
            {
                Ext4InodeType.S_IFCHR => "character device",
                Ext4InodeType.S_IFBLK => "block device",
                Ext4InodeType.S_IFIFO => "FIFO",
                _ => "socket",
            });
        }
        else if (type == Ext4InodeType.S_IFLNK && !InodePass.SymlinkIsValid(ctx, ino, inode))
            Ask("PR_2_INVALID_SYMLINK", "is an invalid symlink");
        if (inode.i_obso_faddr != 0) Ask("PR_2_FADDR_ZERO", $"i_faddr is {inode.i_obso_faddr}, should be zero");
        if (ctx.Hurd)
        {
            byte frag = inode.Data[InodeLayout.Offsets.l_i_blocks_high], fsize = inode.Data[InodeLayout.Offsets.l_i_blocks_high + 1];
            if (frag != 0) Ask("PR_2_FRAG_ZERO", $"i_frag is {frag}, should be zero");
            if (fsize != 0) Ask("PR_2_FSIZE_ZERO", $"i_fsize is {fsize}, should be zero");
        }
        bool linux = ctx.Fs.SuperBlock.s_creator_os == Ext4CreatorOs.OS_LINUX;
        if (linux && !g.Has(Ext4FeatureRoCompat.RO_COMPAT_HUGE_FILE) && inode.l_i_blocks_high != 0)
            Ask("PR_2_BLOCKS_HI_ZERO", $"i_blocks_hi is {inode.l_i_blocks_high}, should be zero");
        if (linux && !g.Has(Ext4FeatureIncompat.INCOMPAT_64BIT) && inode.l_i_file_acl_high != 0)
            Ask("PR_2_I_FILE_ACL_HI_ZERO", $"i_file_acl_hi is {inode.l_i_file_acl_high}, should be zero");
        if (acl != 0 && (acl < g.FirstDataBlock || acl >= g.BlocksCount)) Ask("PR_2_FILE_ACL_BAD", $"has an illegal extended attribute block {acl}");
        if (inode.i_size_high != 0 && !g.Has(Ext4FeatureIncompat.INCOMPAT_LARGEDIR) && inode.i_blocks < 1UL << (29 - (10 + g.LogBlockSize))
            && type == Ext4InodeType.S_IFDIR)
            Ask("PR_2_DIR_SIZE_HIGH_ZERO", $"i_size_high is {inode.i_size_high}, should be zero");
    }
}
