using System;
using Ext4Codec.Format;
using Ext4Codec.Versioning;

namespace Ext4Codec.Checking;

/// <summary>
/// Proposal static_whiteout's rules for a checker that knows it (format-specs/proposals/static_whiteout.spec):
/// s_whiteout_inum names an in-use character device 0:0 with mode 0, owner 0:0, no blocks and neither the
/// EXTENTS nor the INLINE_DATA flag. Anything else is what an offline chown -R or chmod -R over an upper layer
/// leaves, and every whiteout linked to it would stop being one. Its link count is not compared with its names
/// (pass 4 skips it): the kernel caps it and falls back to private whiteouts.
/// </summary>
internal static class SharedWhiteoutCheck
{
    private const string Prefix = "EXT4CODEC_SHARED_WHITEOUT_";

    public static void Run(CheckContext ctx)
    {
        if (ctx.Options.Proposal?.Id != "static_whiteout" || !ctx.Geometry.Has(Ext4FeatureCompat.COMPAT_SHARED_WHITEOUT)) return;
        var sb = ctx.Fs.SuperBlock;
        uint ino = sb.s_whiteout_inum;
        var g = ctx.Geometry;
        if (ino < g.FirstInode || ino > g.InodesCount)
        {
            ctx.Report(Prefix + "INUM", 0, $"s_whiteout_inum {ino} is not a usable inode ({g.FirstInode}..{g.InodesCount})", offset: FileSystem.Ext4FileSystem.SuperBlockOffset + SuperBlockLayout.Offsets.s_whiteout_inum);
            return;
        }
        ctx.SharedWhiteout = ino;
        if (!ctx.TryReadInode(ino, out var inode))
        {
            ctx.Report(Prefix + "INUM", 0, $"the shared whiteout inode {ino} cannot be read", ino: ino);
            return;
        }
        void Problem(string code, string what) => ctx.Report(Prefix + code, 1, $"shared whiteout inode {ino}: {what}", ino: ino, offset: ctx.Fs.InodeOffset(ino));
        if (inode.i_links_count == 0) Problem("UNUSED", "it is not in use (i_links_count 0)");
        if (inode.i_mode != (ushort)Ext4InodeType.S_IFCHR)
            Problem("MODE", $"mode 0{Convert.ToString(inode.i_mode, 8)}, should be 020000 (a character device with no permission bits)");
        if (inode.i_uid_full != 0 || inode.i_gid_full != 0)
            Problem("OWNER", $"owner {inode.i_uid_full}:{inode.i_gid_full}, should be 0:0 (an offline chown -R over the upper layer?)");
        var (major, minor) = WhiteoutFinder.Device(inode);
        if (major != 0 || minor != 0) Problem("RDEV", $"device {major}:{minor}, should be 0:0");
        if ((inode.i_flags & (Ext4InodeFlags.EXTENTS_FL | Ext4InodeFlags.INLINE_DATA_FL)) != 0 || inode.i_blocks != 0 || ctx.FileAcl(inode) != 0)
            Problem("BLOCKS", "it has blocks, an xattr block, or the EXTENTS or INLINE_DATA flag");
    }
}
