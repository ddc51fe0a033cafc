using System;
using Ext4Codec.Format;

namespace Ext4Codec.FileSystem;

/// <summary>Values the kernel derives from raw inode fields: file type, device number, timestamps.</summary>
public static class InodeFacts
{
    public static Ext4InodeType Type(InodeView inode) => (Ext4InodeType)(inode.i_mode & 0xF000);

    /// <summary>The file_type a directory entry carries for an inode of this mode (ext4_set_de_type); FT_UNKNOWN for an invalid type.</summary>
    public static Ext4FileType DirEntryFileType(ushort mode) => (Ext4InodeType)(mode & 0xF000) switch
    {
        Ext4InodeType.S_IFREG => Ext4FileType.FT_REG_FILE,
        Ext4InodeType.S_IFDIR => Ext4FileType.FT_DIR,
        Ext4InodeType.S_IFCHR => Ext4FileType.FT_CHRDEV,
        Ext4InodeType.S_IFBLK => Ext4FileType.FT_BLKDEV,
        Ext4InodeType.S_IFIFO => Ext4FileType.FT_FIFO,
        Ext4InodeType.S_IFSOCK => Ext4FileType.FT_SOCK,
        Ext4InodeType.S_IFLNK => Ext4FileType.FT_SYMLINK,
        _ => Ext4FileType.FT_UNKNOWN,
    };

    /// <summary>Permission bits with setuid, setgid and sticky (the low 12 bits of i_mode).</summary>
    public static int Permissions(InodeView inode) => inode.i_mode & 0xFFF;

    /// <summary>Permission bits as four octal digits, e.g. <c>4755</c>.</summary>
    public static string OctalPermissions(int permissions) => Convert.ToString(permissions, 8).PadLeft(4, '0');

    /// <summary>ls's type letter: f, d, l, c, b, p, s, or ? for an invalid type.</summary>
    public static char TypeLetter(Ext4InodeType type) => type switch
    {
        Ext4InodeType.S_IFREG => 'f',
        Ext4InodeType.S_IFDIR => 'd',
        Ext4InodeType.S_IFLNK => 'l',
        Ext4InodeType.S_IFCHR => 'c',
        Ext4InodeType.S_IFBLK => 'b',
        Ext4InodeType.S_IFIFO => 'p',
        Ext4InodeType.S_IFSOCK => 's',
        _ => '?',
    };

    /// <summary>
    /// A device inode's number as ext4_iget decodes it: the old 8:8 encoding in i_block[0] when non-zero, else
    /// the new 12:20 encoding in i_block[1].
    /// </summary>
    public static (uint Major, uint Minor) Device(InodeView inode)
    {
        var type = Type(inode);
        if (type is not (Ext4InodeType.S_IFCHR or Ext4InodeType.S_IFBLK)) return (0, 0);
        uint old = inode.i_block(0);
        if (old != 0) return ((old >> 8) & 0xFF, old & 0xFF);
        uint dev = inode.i_block(1);
        return ((dev & 0xFFF00) >> 8, (dev & 0xFF) | ((dev >> 12) & 0xFFF00));
    }

    /// <summary>
    /// A timestamp as ext4_decode_extra_time reads it: signed 32-bit seconds, plus the epoch bits of the extra
    /// field times 2^32, and nanoseconds in the extra field's upper 30 bits.
    /// </summary>
    public static (long Seconds, uint Nanoseconds) Time(uint seconds, uint? extra)
    {
        long s = (int)seconds;
        if (extra is not uint x) return (s, 0);
        return (s + ((long)(x & 3) << 32), x >> 2);
    }

    public static DateTimeOffset ToDate(long seconds)
        => seconds is >= -62135596800 and <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(seconds) : DateTimeOffset.UnixEpoch;
}
