using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Checking;

/// <summary>
/// Passes 1B–1D (e2fsck/pass1b.c), run only when pass 1 met a block claimed twice: which inodes hold each
/// multiply-claimed block, and with whom they share it (other files, or filesystem metadata). Legal sharing
/// (RO_COMPAT_SHARED_BLOCKS) is not a problem.
/// </summary>
internal static class DuplicatePass
{
    public static void Run(CheckContext ctx)
    {
        var g = ctx.Geometry;
        if (g.Has(Ext4FeatureRoCompat.RO_COMPAT_SHARED_BLOCKS)) return;
        if (ctx.BlockDup.Count(0, ctx.BlockDup.Length) == 0) return;
        var scan = new BlockScan(ctx) { Dups = [] };
        var owners = new Dictionary<ulong, List<uint>>();
        var holders = new List<(uint Ino, List<ulong> Blocks)>();
        for (uint ino = 1; ino <= g.InodesCount; ino++)
        {
            if (!ctx.InodeUsed[ino] || ino == 7) continue;
            var inode = ctx.Fs.ReadInode(ino);
            var blocks = new List<ulong>();
            ulong acl = inode.i_file_acl;
            if (acl != 0 && ctx.BlockDup[acl]) blocks.Add(acl);
            if (BlockMapper.HasBlockMap(inode, g.ClusterSize))
            {
                scan.Dups!.Clear();
                scan.Scan(ino, inode, claim: false);
                blocks.AddRange(scan.Dups);
            }
            if (blocks.Count == 0) continue;
            holders.Add((ino, blocks));
            foreach (ulong b in blocks)
            {
                if (!owners.TryGetValue(b, out var list)) owners[b] = list = [];
                if (!list.Contains(ino)) list.Add(ino);
            }
        }
        foreach (var (ino, blocks) in holders)
            ctx.Report("PR_1B_DUP_BLOCK_HEADER", 1, $"multiply-claimed block(s) in inode {ino}: {string.Join(' ', blocks)}", ino: ino);
        if (holders.Count > 0)
            ctx.Report("PR_1D_NUM_DUP_INODES", 1, $"there are {holders.Count} inodes containing multiply-claimed blocks");
        foreach (var (ino, blocks) in holders)
        {
            var shared = new SortedSet<uint>();
            bool metadata = false;
            foreach (ulong b in blocks)
            {
                foreach (uint other in owners[b]) if (other != ino) shared.Add(other);
                if (ctx.BlockMetadata[b]) metadata = true;
            }
            ctx.Report("PR_1D_DUP_FILE", 1, $"inode {ino} has {blocks.Count} multiply-claimed block(s), shared with {shared.Count + (metadata ? 1 : 0)} file(s)", ino: ino);
            if (metadata) ctx.Report("PR_1D_SHARE_METADATA", 1, $"inode {ino} shares blocks with filesystem metadata", ino: ino);
            if (shared.Count > 0) ctx.Report("PR_1D_DUP_FILE_LIST", 1, $"inode {ino} shares blocks with inode(s) {string.Join(", ", shared)}", ino: ino);
        }
    }
}
