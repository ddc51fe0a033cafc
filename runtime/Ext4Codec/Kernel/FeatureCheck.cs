using System.Globalization;
using Ext4Codec.Format;

namespace Ext4Codec.Kernel;

/// <summary>ext4_check_feature_compatibility and ext4_feature_set_ok (fs/ext4/super.c), with the profile's feature masks.</summary>
internal static class FeatureCheck
{
    public static bool CheckCompatibility(SbInfo sbi, MountLog log)
    {
        var es = sbi.es;
        if (es.s_rev_level == Ext4RevLevel.GOOD_OLD_REV && (es.s_feature_compat != 0 || es.s_feature_ro_compat != 0 || es.s_feature_incompat != 0))
            log.Add("feature flags set on rev 0 fs, running e2fsck is recommended");
        if (es.s_creator_os == Ext4CreatorOs.OS_HURD)
        {
            if (sbi.Has(Ext4FeatureIncompat.INCOMPAT_64BIT)) return log.Fail("K_HURD_64BIT", Errno.EINVAL, "The Hurd can't support 64-bit file systems");
            if (sbi.Has(Ext4FeatureIncompat.INCOMPAT_EA_INODE)) return log.Fail("K_HURD_EA_INODE", Errno.EINVAL, "ea_inode feature is not supported for Hurd");
        }
        string refusal = FeatureSetOk(sbi, log, sbi.ReadOnly, out string line);
        if (refusal.Length != 0) return log.Refuse(refusal, Errno.EINVAL, line);
        if (sbi.Has(Ext4FeatureIncompat.INCOMPAT_ENCRYPT) && es.s_encryption_level != 0)
            return log.Fail("K_ENCRYPTION_LEVEL", Errno.EINVAL, "Unsupported encryption level " + MountLog.U(es.s_encryption_level));
        return true;
    }

    /// <summary>
    /// ext4_feature_set_ok: the id of the refusing check (and its printed line), or empty. A read-write check of an
    /// image with RO_COMPAT_READONLY passes but makes the superblock read-only. ext4_orphan_cleanup asks it again,
    /// read-write, with its messages.
    /// </summary>
    public static string FeatureSetOk(SbInfo sbi, MountLog log, bool readOnly, out string line)
    {
        var es = sbi.es;
        line = "";
        var unknownIncompat = es.s_feature_incompat & ~sbi.Profile.IncompatSupported;
        if (unknownIncompat != 0)
            return Print(log, "K_INCOMPAT_UNKNOWN", "Couldn't mount because of unsupported optional features (" + Hex((uint)unknownIncompat) + ")", out line);
        if (!sbi.Profile.Unicode && sbi.Has(Ext4FeatureIncompat.INCOMPAT_CASEFOLD))
            return Print(log, "K_CASEFOLD_NO_UNICODE", "Filesystem with casefold feature cannot be mounted without CONFIG_UNICODE", out line);
        if (readOnly) return "";
        if (sbi.Has(Ext4FeatureRoCompat.RO_COMPAT_READONLY))
        {
            log.Add("filesystem is read-only");
            if (!sbi.ReadOnly) sbi.ForcedReadOnly = ("K_RO_COMPAT_READONLY", "filesystem is read-only");
            sbi.ReadOnly = true;
            return "";
        }
        var unknownRoCompat = es.s_feature_ro_compat & ~sbi.Profile.RoCompatSupported;
        if (unknownRoCompat != 0)
            return Print(log, "K_RO_COMPAT_UNKNOWN_RW", "couldn't mount RDWR because of unsupported optional features (" + Hex((uint)unknownRoCompat) + ")", out line);
        if (sbi.Has(Ext4FeatureRoCompat.RO_COMPAT_BIGALLOC) && !sbi.Has(Ext4FeatureIncompat.INCOMPAT_EXTENTS))
            return Print(log, "K_BIGALLOC_NO_EXTENTS", "Can't support bigalloc feature without extents feature", out line);
        if (!sbi.Profile.QuotaFormatV2 && (sbi.Has(Ext4FeatureRoCompat.RO_COMPAT_QUOTA) || sbi.Has(Ext4FeatureRoCompat.RO_COMPAT_PROJECT)))
            return Print(log, "K_QUOTA_NOT_BUILT", "The kernel was not built with CONFIG_QUOTA and CONFIG_QFMT_V2", out line);
        return "";
    }

    private static string Print(MountLog log, string checkId, string text, out string line)
    {
        log.Add(text);
        line = text;
        return checkId;
    }

    private static string Hex(uint value) => value.ToString("x", CultureInfo.InvariantCulture);
}
