using System;
using System.Text;
using Ext4Codec.Format;

namespace Ext4Codec.Kernel;

/// <summary>ext4_multi_mount_protect (fs/ext4/mmp.c): only for read-write mounts of mmp filesystems.</summary>
internal static class MmpStage
{
    private const uint MmpMagic = 0x004D4D50;
    private const uint SeqClean = 0xFF4D4D50;
    private const uint SeqFsck = 0xE24D4D50;
    private const uint MinCheckInterval = 5;

    public static bool Protect(SbInfo sbi, MountLog log, Action<string> note)
    {
        var es = sbi.es;
        ulong block = es.s_mmp_block;
        if (block < es.s_first_data_block || block >= sbi.BlocksCount)
            return log.Fail("K_MMP_BAD_BLOCK", Errno.EINVAL, "Invalid MMP block in superblock");
        if (!Read(sbi, block, out var mmp, out string errno))
            return log.Fail("K_MMP_READ", errno, "Error -" + MountLog.D(Errno.Number(errno)) + " while reading MMP block " + MountLog.U(block));
        uint interval = Math.Max(es.s_mmp_update_interval, MinCheckInterval);
        interval = Math.Max(interval, mmp.mmp_check_interval);
        uint seq = mmp.mmp_seq;
        if (seq == SeqClean) return true;
        if (seq == SeqFsck)
        {
            log.Add("fsck is running on the filesystem");
            log.Add(FailureInfo(mmp));
            return log.Refuse("K_MMP_FSCK_RUNNING", Errno.EBUSY, "fsck is running on the filesystem");
        }
        // Another node may be using the device: the kernel waits twice, re-reading the block, then takes it over.
        uint wait = Math.Min(interval * 2 + 1, interval + 60);
        if (wait > MinCheckInterval * 4) log.Add("MMP interval " + MountLog.U(wait * 2) + " higher than expected, please wait.");
        note("the MMP sequence is not clean: the kernel waits " + MountLog.U(wait * 2) + " s before mounting (the model assumes no other node writes the block meanwhile)");
        return true;
    }

    /// <summary>read_mmp_block: EIO when unreadable, EFSCORRUPTED for a bad magic, EFSBADCRC for a bad checksum.</summary>
    private static bool Read(SbInfo sbi, ulong block, out MmpBlockView mmp, out string errno)
    {
        mmp = default;
        if (!sbi.Disk.TryReadBlock(block, sbi.s_blocksize, out var data))
        {
            errno = Errno.EIO;
            return false;
        }
        mmp = new MmpBlockView(data);
        errno = mmp.mmp_magic != MmpMagic ? Errno.EUCLEAN
            : sbi.MetadataCsum && !mmp.VerifyCsum(sbi.s_csum_seed) ? Errno.EBADMSG
            : "";
        return errno.Length == 0;
    }

    private static string FailureInfo(MmpBlockView mmp)
        => "MMP failure info: last update time: " + MountLog.U(mmp.mmp_time) + ", last update node: " + CString(mmp.mmp_nodename) + ", last update device: " + CString(mmp.mmp_bdevname);

    private static string CString(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return Encoding.Latin1.GetString(end < 0 ? field : field[..end]);
    }
}
