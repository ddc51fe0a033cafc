using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Xattrs;

namespace Ext4Codec.Checking;

/// <summary>
/// Pass 4 (e2fsck/pass4.c): each inode in use against the names pass 2 found for it — none (unattached, or a
/// zero-length file), or a different i_links_count. A directory with more than EXT2_LINK_MAX names counts as 1
/// (dir_nlink), and an indexed directory at 1 is the kernel's overflow marker, not an error.
/// </summary>
internal static class LinkCountPass
{
    private const int LinkMax = 65000;

    public static void Run(CheckContext ctx)
    {
        var g = ctx.Geometry;
        var sb = ctx.Fs.SuperBlock;
        for (uint ino = 2; ino <= g.InodesCount; ino++)
        {
            if (ino > 2 && ino < g.FirstInode) continue;
            if (ino == sb.s_orphan_file_inum || ino == sb.s_prj_quota_inum) continue;
            if (!ctx.InodeUsed[ino] || ctx.InodeBad[ino]) continue;
            // Proposal static_whiteout: the shared whiteout's link count is not kept in step with its names.
            if (ino == ctx.SharedWhiteout) continue;
            int counted = ctx.LinksFound[ino];
            int stored = ctx.LinksOnDisk[ino];
            bool isDir = ctx.InodeDir[ino];
            if (isDir && counted > LinkMax) counted = 1;
            // Most inodes agree; only the others are read again.
            if (counted != 0 && counted == stored) continue;
            var inode = ctx.Fs.ReadInode(ino);
            if ((inode.i_flags & Ext4InodeFlags.EA_INODE_FL) != 0) continue;
            if (counted == 0)
            {
                var type = InodeFacts.Type(inode);
                if (inode.i_blocks == 0 && XattrReader.InodeBody(inode, out _).IsEmpty && (type is Ext4InodeType.S_IFREG or Ext4InodeType.S_IFDIR))
                    ctx.Report("PR_4_ZERO_LEN_INODE", 4, $"unattached zero-length inode {ino}", ino: ino);
                ctx.Report("PR_4_UNATTACHED_INODE", 4, $"unattached inode {ino}", ino: ino);
                continue;
            }
            if (isDir && counted > 1 && (inode.i_flags & Ext4InodeFlags.INDEX_FL) != 0 && stored == 1) continue;
            ctx.Report("PR_4_BAD_REF_COUNT", 4, $"inode {ino} ref count is {stored}, should be {counted}", ino: ino);
        }
    }
}
