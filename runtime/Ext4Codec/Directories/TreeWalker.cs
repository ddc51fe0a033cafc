using System;
using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Directories;

/// <summary>One path in a <see cref="TreeWalker"/> walk.</summary>
/// <param name="Path">Absolute path ("/" for the start).</param>
/// <param name="Inode">Its inode number.</param>
/// <param name="Depth">0 for the start.</param>
public readonly record struct TreeNode(string Path, uint Inode, int Depth);

/// <summary>
/// Walks a directory tree depth first in name order, skipping "." and "..". A directory reached twice (a loop
/// in a corrupt image) is listed but not entered again; directory errors are collected, not thrown.
/// </summary>
public static class TreeWalker
{
    /// <exception cref="CorruptDataException">The start inode cannot be read.</exception>
    public static IEnumerable<TreeNode> Walk(Ext4FileSystem fs, uint start, string startPath, List<Corruption> errors)
    {
        var entered = new HashSet<uint>();
        var stack = new Stack<TreeNode>();
        stack.Push(new TreeNode(startPath, start, 0));
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            InodeView inode;
            try { inode = fs.ReadInode(node.Inode); }
            catch (CorruptDataException e) { errors.Add(e.Corruption); continue; }
            if (InodeFacts.Type(inode) != Ext4InodeType.S_IFDIR || !entered.Add(node.Inode)) continue;
            List<DirectoryEntry> entries;
            try { entries = DirectoryReader.ReadAll(fs, node.Inode, inode, errors); }
            catch (CorruptDataException e) { errors.Add(e.Corruption); continue; }
            entries.Sort((a, b) => b.Name.AsSpan().SequenceCompareTo(a.Name));
            string prefix = node.Path.EndsWith('/') ? node.Path : node.Path + "/";
            foreach (var entry in entries)
            {
                if (entry.Name.AsSpan().SequenceEqual("."u8) || entry.Name.AsSpan().SequenceEqual(".."u8)) continue;
                stack.Push(new TreeNode(prefix + entry.DisplayName, entry.Inode, node.Depth + 1));
            }
        }
    }
}
