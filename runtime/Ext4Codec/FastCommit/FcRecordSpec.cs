using System;
using Ext4Codec.Format;

namespace Ext4Codec.FastCommit;

/// <summary>
/// One record to write into a fast commit: its tag and value bytes, made with the generated writers. Any tag may
/// be written (<see cref="Raw"/>); HEAD, PAD and TAIL are laid out by <see cref="FcAreaWriter"/> and rejected here.
/// </summary>
public sealed record FcRecordSpec(FcTag Tag, byte[] Value)
{
    /// <summary>ADD_RANGE: map <paramref name="len"/> blocks from logical <paramref name="lblk"/> to <paramref name="pblk"/>.</summary>
    public static FcRecordSpec AddRange(uint ino, uint lblk, ushort len, ulong pblk, bool unwritten = false)
    {
        var value = new byte[FcAddRangeView.Size];
        var w = new FcAddRangeWriter(value);
        w.fc_ino = ino;
        var ex = w.fc_ex;
        ex.ee_block = lblk;
        ex.ee_len = unwritten ? (ushort)(len + 32768) : len;
        ex.ee_start = pblk;
        return new FcRecordSpec(FcTag.ADD_RANGE, value);
    }

    /// <summary>DEL_RANGE: unmap <paramref name="len"/> logical blocks from <paramref name="lblk"/>.</summary>
    public static FcRecordSpec DelRange(uint ino, uint lblk, uint len)
    {
        var value = new byte[FcDelRangeView.Size];
        var w = new FcDelRangeWriter(value);
        w.fc_ino = ino;
        w.fc_lblk = lblk;
        w.fc_len = len;
        return new FcRecordSpec(FcTag.DEL_RANGE, value);
    }

    public static FcRecordSpec Creat(uint parent, uint ino, ReadOnlySpan<byte> name) => Dentry(FcTag.CREAT, parent, ino, name);

    public static FcRecordSpec Link(uint parent, uint ino, ReadOnlySpan<byte> name) => Dentry(FcTag.LINK, parent, ino, name);

    public static FcRecordSpec Unlink(uint parent, uint ino, ReadOnlySpan<byte> name) => Dentry(FcTag.UNLINK, parent, ino, name);

    /// <summary>INODE: the raw on-disk inode (128 + i_extra_isize bytes, the whole inode with inline data).</summary>
    public static FcRecordSpec Inode(uint ino, ReadOnlySpan<byte> raw)
    {
        var value = new byte[FcInodeView.Size + raw.Length];
        var w = new FcInodeWriter(value);
        w.fc_ino = ino;
        raw.CopyTo(w.fc_raw_inode);
        return new FcRecordSpec(FcTag.INODE, value);
    }

    /// <summary>CREAT_DEV (proposals fc_feature, sb_incompat): a special inode of <paramref name="mode"/> with device number <paramref name="rdev"/>, named in <paramref name="parent"/>.</summary>
    public static FcRecordSpec CreatDev(uint parent, uint ino, ushort mode, uint rdev, ReadOnlySpan<byte> name)
    {
        var value = new byte[FcCreatDevView.Size + name.Length];
        var w = new FcCreatDevWriter(value);
        w.fc_parent_ino = parent;
        w.fc_ino = ino;
        w.fc_mode = mode;
        w.fc_rdev = rdev;
        name.CopyTo(w.fc_dname);
        return new FcRecordSpec(FcTag.CREAT_DEV, value);
    }

    /// <summary>Any tag with any value bytes (the writer checks only that the record fits a block).</summary>
    public static FcRecordSpec Raw(FcTag tag, byte[] value) => new(tag, value);

    /// <summary>new_encode_dev: the 32-bit device number form CREAT_DEV carries.</summary>
    public static uint EncodeDevice(uint major, uint minor) => (minor & 0xFF) | (major << 8) | ((minor & ~0xFFu) << 12);

    private static FcRecordSpec Dentry(FcTag tag, uint parent, uint ino, ReadOnlySpan<byte> name)
    {
        var value = new byte[FcDentryInfoView.Size + name.Length];
        var w = new FcDentryInfoWriter(value);
        w.fc_parent_ino = parent;
        w.fc_ino = ino;
        name.CopyTo(w.fc_dname);
        return new FcRecordSpec(tag, value);
    }
}
