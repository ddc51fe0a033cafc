using System;
using System.Text.Json;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Reports;

/// <summary>What ls -l shows of an inode.</summary>
public readonly record struct InodeSummary(uint Ino, Ext4InodeType Type, int Permissions, uint Uid, uint Gid, ushort Links, ulong Size,
    uint DevMajor, uint DevMinor, long Mtime)
{
    /// <summary>The summary of inode <paramref name="ino"/>, or false when the number is out of range or the inode unreadable.</summary>
    public static bool TryOf(Ext4FileSystem fs, uint ino, out InodeSummary summary)
    {
        summary = default;
        if (ino == 0 || ino > fs.Geometry.InodesCount) return false;
        try { summary = From(ino, fs.ReadInode(ino)); }
        catch (CorruptDataException) { return false; }
        return true;
    }

    public static InodeSummary From(uint ino, InodeView inode)
    {
        var (major, minor) = InodeFacts.Device(inode);
        var (mtime, _) = InodeFacts.Time(inode.i_mtime, inode.Has_i_mtime_extra ? inode.i_mtime_extra : null);
        return new InodeSummary(ino, InodeFacts.Type(inode), InodeFacts.Permissions(inode), inode.i_uid_full, inode.i_gid_full,
            inode.i_links_count, inode.i_size, major, minor, mtime);
    }

    /// <summary>Mode as ls prints it, e.g. <c>drwxr-xr-x</c>.</summary>
    public string ModeString
    {
        get
        {
            Span<char> s = stackalloc char[10];
            s[0] = Type == Ext4InodeType.S_IFREG ? '-' : InodeFacts.TypeLetter(Type);
            const string rwx = "rwxrwxrwx";
            for (int i = 0; i < 9; i++) s[1 + i] = (Permissions & (0x100 >> i)) != 0 ? rwx[i] : '-';
            if ((Permissions & 0x800) != 0) s[3] = s[3] == 'x' ? 's' : 'S';
            if ((Permissions & 0x400) != 0) s[6] = s[6] == 'x' ? 's' : 'S';
            if ((Permissions & 0x200) != 0) s[9] = s[9] == 'x' ? 't' : 'T';
            return new string(s);
        }
    }

    public void WriteJsonProperties(Utf8JsonWriter w)
    {
        w.WriteNumber("ino", Ino);
        w.WriteString("type", InodeReport.TypeName(Type));
        w.WriteString("mode", InodeFacts.OctalPermissions(Permissions));
        w.WriteNumber("uid", Uid);
        w.WriteNumber("gid", Gid);
        w.WriteNumber("links", Links);
        w.WriteNumber("size", Size);
        if (Type is Ext4InodeType.S_IFCHR or Ext4InodeType.S_IFBLK) w.WriteString("rdev", $"{DevMajor}:{DevMinor}");
        w.WriteNumber("mtime", Mtime);
    }
}
