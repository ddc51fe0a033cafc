using Ext4Codec.Format;

namespace Ext4Codec.Kernel;

/// <summary>
/// ext4_enable_quotas and ext4_quota_enable (fs/ext4/super.c) on a read-write mount, for kernels with quota format
/// support: the quota inode numbers and inodes. Loading the quota files themselves (fs/quota) is not modelled.
/// </summary>
internal static class QuotaStage
{
    public static bool Enable(SbInfo sbi, MountLog log)
    {
        if (!sbi.Profile.QuotaFormatV2 || !sbi.Has(Ext4FeatureRoCompat.RO_COMPAT_QUOTA) || sbi.ReadOnly) return true;
        var es = sbi.es;
        uint[] inums = [es.s_usr_quota_inum, es.s_grp_quota_inum, es.s_prj_quota_inum];
        for (int type = 0; type < inums.Length; type++)
        {
            uint ino = inums[type];
            if (ino == 0) continue;
            bool expected = type switch { 0 => ino == 3, 1 => ino == 4, _ => ino >= 11 };
            if (!expected) return Failed(sbi, log, "K_QUOTA_BAD_INUM", Errno.EUCLEAN, "Bad quota inum: ", ino, type);
            var r = KernelIget.Special(sbi, log, ino);
            if (r.Inode is null) return Failed(sbi, log, "K_QUOTA_BAD_INODE", r.Failure.Errno, "Bad quota inode: ", ino, type);
        }
        sbi.Context.Note("the quota files are not read: dquot_load_quota_inode is assumed to succeed");
        return true;
    }

    private static bool Failed(SbInfo sbi, MountLog log, string checkId, string errno, string what, uint ino, int type)
    {
        string line = MountLog.Error(what + MountLog.U(ino) + ", type: " + MountLog.D(type));
        sbi.Ext4Error(log, line);
        log.Add("Failed to enable quota tracking (type=" + MountLog.D(type) + ", err=-" + MountLog.D(Errno.Number(errno)) + ", ino=" + MountLog.U(ino) + "). Please run e2fsck to fix.");
        log.Add("mount failed");
        return log.Refuse(checkId, errno, line);
    }
}
