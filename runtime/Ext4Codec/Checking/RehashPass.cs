using System;
using System.Collections.Generic;
using Ext4Codec.Directories;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Checking;

/// <summary>
/// Pass 3A (e2fsck/rehash.c) as -n runs it: each directory pass 2 marked for a duplicate name is read whole and
/// its names compared (duplicate_search_and_fix); nothing is rewritten. A repeated name pointing at the same
/// inode is a duplicate entry, at another inode a non-unique name; both are left, so both count.
/// </summary>
internal static class RehashPass
{
    public static void Run(CheckContext ctx, List<DirBlock> blocks)
    {
        if (ctx.DirsToRehash.Count == 0) return;
        var g = ctx.Geometry;
        foreach (uint dir in ctx.DirsToRehash)
        {
            var inode = ctx.Fs.ReadInode(dir);
            // e2fsck_rehash_dir leaves inline directories alone.
            if (InodeContent.IsInline(inode)) continue;
            bool encrypted = (inode.i_flags & Ext4InodeFlags.ENCRYPT_FL) != 0;
            var seen = new Dictionary<string, uint>(StringComparer.Ordinal);
            foreach (var b in blocks)
            {
                if (b.Ino != dir || b.Physical == 0 || !ctx.Fs.Image.TryRead((long)b.Physical * g.BlockSize, (int)g.BlockSize, out var data)) continue;
                for (int offset = 0; offset + 8 <= data.Length;)
                {
                    var entry = new DirEntry2View(data[offset..]);
                    int recLen = DirBlockWalker.DecodeRecLen(entry.rec_len, g.BlockSize);
                    if (recLen < 12 || offset + recLen > data.Length || entry.name_len + 8 > recLen) break;
                    var name = data.Slice(offset + 8, entry.name_len);
                    offset += recLen;
                    if (entry.inode == 0 || name.SequenceEqual("."u8) || name.SequenceEqual(".."u8)) continue;
                    string key = Convert.ToHexString(name);
                    if (!seen.TryGetValue(key, out uint previous))
                    {
                        seen.Add(key, entry.inode);
                        continue;
                    }
                    string text = NameText.Escape(name);
                    if (entry.inode == previous)
                        ctx.Report("PR_2_DUPLICATE_DIRENT", 3, $"duplicate entry '{text}' in directory {dir}", ino: dir, block: b.Physical);
                    else if (encrypted)
                        ctx.Report("PR_2_NON_UNIQUE_FILE_NO_RENAME", 3, $"entry '{text}' in directory {dir} has a non-unique filename", ino: dir, block: b.Physical);
                    else
                        ctx.Report("PR_2_NON_UNIQUE_FILE", 3, $"entry '{text}' in directory {dir} has a non-unique filename", ino: dir, block: b.Physical);
                    seen[key] = entry.inode;
                }
            }
        }
    }
}
