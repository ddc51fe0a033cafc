using System;
using Ext4Codec.Format;

namespace Ext4Codec.Kernel;

/// <summary>
/// One mount(2) as __ext4_fill_super (fs/ext4/super.c, Linux 6.18) runs it, stage by stage in the kernel's order
/// (docs/kernel-mount-checks.md §2.0); the first refusal ends it.
/// </summary>
internal sealed class MountAttempt(MountContext context, MountRequest request)
{
    private readonly MountLog _log = new();
    private string _mounted = "";

    public MountOutcome Run()
    {
        SbInfo? sbi = null;
        if (SuperblockStage.Load(context.Disk, context.Profile, _log, out var superblock, out int bits))
        {
            sbi = new SbInfo(context, request, superblock) { s_blocksize_bits = bits, s_blocksize = 1u << bits, LogicalSbBlock = bits == 10 ? 1u : 0u };
            Mount(sbi);
        }
        if (_log.Refused || sbi is null)
            return new MountOutcome(request, false, false, _log.Errno, _log.Lines, _log.CheckId) { Message = _log.Deciding };
        var forced = sbi.ForcedReadOnly;
        return new MountOutcome(request, true, sbi.ReadOnly, "", _log.Lines, forced.CheckId)
        {
            Message = forced.CheckId.Length != 0 ? forced.Line : _mounted,
        };
    }

    private bool Mount(SbInfo sbi)
    {
        var log = _log;
        if (!SuperblockStage.InitMetadataCsum(sbi, log)) return false;
        SuperblockStage.SetDefOpts(sbi);
        if (!SuperblockStage.InodeInfoInit(sbi, log) || !SuperblockStage.ParseSbMountOptions(sbi, log, context.Note) || !SuperblockStage.EncodingInit(sbi, log))
            return false;
        SuperblockStage.CheckJournalDataMode(sbi, log);
        if (!FeatureCheck.CheckCompatibility(sbi, log) || !GeometryStage.BlockGroupMetaInit(sbi, log) || !GeometryStage.HashInfoInit(sbi, log)
            || !GeometryStage.HandleClusterSize(sbi, log) || !GeometryStage.CheckGeometry(sbi, log) || !DescriptorStage.GroupDescInit(sbi, log))
            return false;
        DescriptorStage.CheckStripe(sbi, log);
        var es = sbi.es;
        bool needsRecovery = es.s_last_orphan != 0 || sbi.Has(Ext4FeatureRoCompat.RO_COMPAT_ORPHAN_PRESENT) || sbi.Has(Ext4FeatureIncompat.INCOMPAT_RECOVER);
        if (sbi.Has(Ext4FeatureIncompat.INCOMPAT_MMP) && !sbi.ReadOnly && !MmpStage.Protect(sbi, log, context.Note)) return false;
        if (sbi.Has(Ext4FeatureCompat.COMPAT_HAS_JOURNAL) && !sbi.NoLoad)
        {
            if (!JournalStage.LoadAndInit(sbi, log)) return false;
        }
        else if (sbi.NoLoad && !sbi.ReadOnly && sbi.Has(Ext4FeatureIncompat.INCOMPAT_RECOVER))
        {
            return log.Fail("K_NOLOAD_RW_NEEDS_RECOVERY", Errno.EINVAL, "required journal recovery suppressed and not mounted read-only");
        }
        else
        {
            // No journal in use (no has_journal, or noload): nothing to recover, and RECOVER stays set on disk.
            needsRecovery = false;
        }
        Overhead(sbi);
        if (!RootInode(sbi)) return false;
        SetupSuper(sbi);
        if (!SystemZoneStage.Setup(sbi, log) || !MbInit(sbi) || !OrphanStage.InitOrphanInfo(sbi, log) || !QuotaStage.Enable(sbi, log)) return false;
        OrphanStage.Cleanup(sbi, log);
        if (needsRecovery && !OrphanStage.MarkRecoveryComplete(sbi, log)) return false;
        _mounted = MountedLine(sbi);
        log.Add(_mounted);
        return true;
    }

    /// <summary>
    /// ext4_calculate_overhead, for what it prints: bigalloc groups whose superblock and descriptor blocks exceed
    /// the group, and a journal inode it cannot read when the journal is not loaded (never fatal).
    /// </summary>
    private void Overhead(SbInfo sbi)
    {
        var es = sbi.es;
        bool bigalloc = sbi.Has(Ext4FeatureRoCompat.RO_COMPAT_BIGALLOC);
        // Only bigalloc keeps a stored overhead, and only a plausible one.
        if (bigalloc && es.s_overhead_clusters != 0 && es.s_overhead_clusters <= sbi.BlocksCount) return;
        if (bigalloc)
        {
            for (uint g = 0; g < sbi.s_groups_count; g++)
            {
                uint gdb = sbi.BgNumGdb(g);
                if ((sbi.BgHasSuper(g) ? 1UL : 0UL) + gdb > sbi.s_blocks_per_group)
                    sbi.Ext4Error(_log, MountLog.Error("Invalid number of block group descriptor blocks: " + MountLog.U(gdb)));
            }
        }
        if (sbi.s_journal is null && sbi.Has(Ext4FeatureCompat.COMPAT_HAS_JOURNAL) && es.s_journal_inum != 0
            && JournalOpen.GetJournalInode(sbi, _log, es.s_journal_inum, out _) is null)
            _log.Add("can't get journal size");
    }

    /// <summary>The root inode: ext4_iget(EXT4_ROOT_INO, EXT4_IGET_SPECIAL), then a non-empty directory.</summary>
    private bool RootInode(SbInfo sbi)
    {
        var r = KernelIget.Special(sbi, _log, 2);
        if (r.Inode is not { } root)
        {
            _log.Add("get root inode failed");
            _log.Add("mount failed");
            return _log.Refuse(r.Failure.CheckId, r.Failure.Errno, r.Failure.Line);
        }
        if (root.Type != Ext4InodeType.S_IFDIR || root.i_blocks == 0 || root.i_size == 0)
        {
            _log.Add("corrupt root inode, run e2fsck");
            _log.Add("mount failed");
            return _log.Refuse("K_ROOT_NOT_DIR_OR_EMPTY", Errno.EUCLEAN, "corrupt root inode, run e2fsck");
        }
        return true;
    }

    /// <summary>
    /// ext4_setup_super: a revision above 1 forces read-only; a read-write mount warns about an unchecked or
    /// errored filesystem or a reached mount count (the check-interval warning depends on the clock and is left out).
    /// </summary>
    private void SetupSuper(SbInfo sbi)
    {
        var es = sbi.es;
        if ((uint)es.s_rev_level > 1)
        {
            const string line = "revision level too high, forcing read-only mode";
            _log.Add(line);
            if (!sbi.ReadOnly) sbi.ForcedReadOnly = ("K_REV_TOO_HIGH_FORCE_RO", line);
            sbi.ReadOnly = true;
            return;
        }
        if (sbi.ReadOnly) return;
        if ((sbi.s_mount_state & Ext4State.VALID_FS) == 0) _log.Add("warning: mounting unchecked fs, running e2fsck is recommended");
        else if ((sbi.s_mount_state & Ext4State.ERROR_FS) != 0) _log.Add("warning: mounting fs with errors, running e2fsck is recommended");
        else if (es.s_max_mnt_count > 0 && es.s_mnt_count >= (ushort)es.s_max_mnt_count) _log.Add("warning: maximal mount count reached, running e2fsck is recommended");
    }

    /// <summary>ext4_mb_init: ext4_mb_init_backend refuses a flex group of 2^32 groups or more.</summary>
    private bool MbInit(SbInfo sbi)
    {
        if (!sbi.Has(Ext4FeatureIncompat.INCOMPAT_FLEX_BG) || sbi.es.s_log_groups_per_flex < 32) return true;
        const string line = "too many log groups per flexible block group";
        _log.Add(line);
        _log.Add("failed to initialize mballoc (-12)");
        _log.Add("mount failed");
        return _log.Refuse("K_FLEX_LOG_TOO_LARGE", Errno.ENOMEM, line);
    }

    /// <summary>"mounted filesystem %pU %s with%s. Quota mode: %s."</summary>
    private static string MountedLine(SbInfo sbi)
    {
        string data = sbi.s_journal is null ? "out journal" : sbi.DataMode switch
        {
            DataMode.Journal => " journalled data mode",
            DataMode.Writeback => " writeback data mode",
            _ => " ordered data mode",
        };
        string quota = !sbi.Profile.Quota ? "disabled"
            : !sbi.Has(Ext4FeatureRoCompat.RO_COMPAT_QUOTA) ? "none"
            : sbi.s_journal is not null ? "journalled"
            : "writeback";
        return "mounted filesystem " + Uuid(sbi.es.s_uuid) + (sbi.ReadOnly ? " ro" : " r/w") + " with" + data + ". Quota mode: " + quota + ".";
    }

    /// <summary>%pU: the 16 bytes in order, lower-case, grouped 4-2-2-2-6.</summary>
    private static string Uuid(ReadOnlySpan<byte> uuid)
    {
        string hex = Convert.ToHexStringLower(uuid);
        return hex[..8] + "-" + hex[8..12] + "-" + hex[12..16] + "-" + hex[16..20] + "-" + hex[20..];
    }
}
