using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Checking;

/// <summary>
/// Pass 3 (e2fsck/pass3.c): the root exists and is a directory (without one e2fsck -n cannot go on), every
/// directory reaches the root through the entries that name it, and each ".." names that parent.
/// </summary>
internal static class ConnectivityPass
{
    public static void Run(CheckContext ctx)
    {
        if (!ctx.InodeUsed[2] || !ctx.InodeDir[2])
        {
            bool exists = ctx.InodeUsed[2];
            ctx.Report(exists ? "PR_3_ROOT_NOT_DIR_ABORT" : "PR_3_NO_ROOT_INODE", 3, exists ? "the root inode is not a directory" : "the root inode is not allocated", ino: 2);
            throw ctx.Abort("cannot proceed without a root directory");
        }
        var reached = new Bitset((ulong)ctx.Geometry.InodesCount + 1);
        reached.Set(2);
        var chain = new List<uint>();
        var onChain = new HashSet<uint>();
        foreach (var (dir, _) in ctx.Dirs)
        {
            if (reached[dir]) continue;
            chain.Clear();
            onChain.Clear();
            uint at = dir;
            // Walk up through the naming entries until a directory already known to reach the root, a directory
            // nothing names (unconnected), or a loop (a directory met twice on this walk).
            while (!reached[at])
            {
                if (!onChain.Add(at) || !ctx.Dirs.TryGetValue(at, out var info) || info.Parent == 0)
                {
                    uint dotdot = ctx.Dirs.TryGetValue(at, out var i2) ? i2.DotDot : 0;
                    ctx.Report("PR_3_UNCONNECTED_DIR", 3, $"unconnected directory inode {at} (was in {dotdot})", ino: at);
                    break;
                }
                chain.Add(at);
                at = info.Parent;
            }
            foreach (uint d in chain) reached.Set(d);
            reached.Set(dir);
        }
        foreach (var (dir, info) in ctx.Dirs)
        {
            uint parent = dir == 2 ? 2 : info.Parent;
            if (parent != 0 && info.DotDot != parent)
                ctx.Report("PR_3_BAD_DOT_DOT", 3, $"'..' in directory inode {dir} is {info.DotDot}, should be {parent}", ino: dir);
        }
    }
}
