using System;
using System.Collections.Generic;
using System.Globalization;
using Ext4Codec.Directories;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Versioning;

/// <summary>
/// A filesystem's paths with their types, in the form both this project's reader and a live mount give
/// (<see cref="Live.CompatObserver"/>): "/upper/a=f", "/upper/b=c0:0" (devices with major:minor), "/work=d";
/// f d l p s c b, "?" for a mode that is none of them; the root left out, ordinal order.
/// </summary>
public static class TreeListing
{
    /// <summary>Most paths listed; a hostile image cannot make the listing unbounded.</summary>
    public const int MaxEntries = 10_000;

    public static List<string> Of(Ext4FileSystem fs)
    {
        var entries = new List<string>();
        var errors = new List<Corruption>();
        try
        {
            foreach (var node in TreeWalker.Walk(fs, 2, "/", errors))
            {
                if (node.Depth == 0) continue;
                if (entries.Count == MaxEntries) break;
                entries.Add(node.Path + "=" + TypeOf(fs, node.Inode));
            }
        }
        catch (CorruptDataException)
        {
            // The root itself cannot be read: nothing is listed.
        }
        entries.Sort(StringComparer.Ordinal);
        return entries;
    }

    /// <summary>"f", "d", ..., "c1:3" for a device; "?" when the inode cannot be read.</summary>
    public static string Type(char kind, uint major = 0, uint minor = 0)
        => kind is 'c' or 'b' ? kind + major.ToString(CultureInfo.InvariantCulture) + ":" + minor.ToString(CultureInfo.InvariantCulture) : kind.ToString();

    private static string TypeOf(Ext4FileSystem fs, uint ino)
    {
        InodeView inode;
        try
        {
            inode = fs.ReadInode(ino);
        }
        catch (CorruptDataException)
        {
            return "?";
        }
        var (major, minor) = WhiteoutFinder.Device(inode);
        return InodeFacts.Type(inode) switch
        {
            Ext4InodeType.S_IFREG => "f",
            Ext4InodeType.S_IFDIR => "d",
            Ext4InodeType.S_IFLNK => "l",
            Ext4InodeType.S_IFIFO => "p",
            Ext4InodeType.S_IFSOCK => "s",
            Ext4InodeType.S_IFCHR => Type('c', major, minor),
            Ext4InodeType.S_IFBLK => Type('b', major, minor),
            _ => "?",
        };
    }
}
