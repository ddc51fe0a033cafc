using System;
using Ext4Codec.FastCommit;
using Ext4Codec.Format;
using Ext4Codec.Journal;

namespace Ext4Codec.Kernel;

/// <summary>
/// ext4_load_and_init_journal (fs/ext4/super.c) with jbd2_journal_load (fs/jbd2/journal.c): open the journal,
/// wipe a stale log or recover, reset, then the journal features and data mode ext4 asks for.
/// </summary>
internal static class JournalStage
{
    private const ulong MinJournalBlocks = 1024;

    public static bool LoadAndInit(SbInfo sbi, MountLog log)
    {
        if (!Load(sbi, log)) return false;
        var journal = sbi.s_journal!;
        bool v1 = journal.Geometry.Version == 1;
        // jbd2_journal_set_features fails on a version 1 superblock, which has no feature fields.
        if (sbi.Has(Ext4FeatureIncompat.INCOMPAT_64BIT) && v1) return log.Fail("K_JNL_64BIT_SET", Errno.EINVAL, "Failed to set 64-bit journal feature");
        if (sbi.MetadataCsum && v1) return log.Fail("K_JNL_CSUM_SET", Errno.EINVAL, "Failed to set journal checksum feature set");
        // The fast_commit option follows COMPAT_FAST_COMMIT unless data=journal turned it off.
        if (sbi.Has(Ext4FeatureCompat.COMPAT_FAST_COMMIT) && sbi.DataMode != DataMode.Journal)
        {
            if (v1) return log.Fail("K_JNL_FC_SET", Errno.EINVAL, "Failed to set fast commit journal feature");
            // jbd2_journal_initialize_fast_commit: j_last (s_maxlen after the reset) minus the area (s_num_fc_blks, 0 meaning
            // the default) must leave a minimal log, compared without wrapping (observed on 6.18 with 0x7fffffff, 0x3f785e2a
            // and 0x9a2e90b0).
            ulong area = journal.NumFcBlocks == 0 ? JournalGeometry.DefaultFastCommitBlocks : (uint)journal.NumFcBlocks;
            if (area + MinJournalBlocks > journal.Geometry.MaxLen)
            {
                log.Add("JBD2: Cannot enable fast commits.");
                return log.Fail("K_JNL_FC_SET", Errno.EINVAL, "Failed to set fast commit journal feature");
            }
        }
        // Without a data= mode: ordered when the journal can revoke (a version 2 superblock), else data=journal.
        if (sbi.DataMode == DataMode.None) sbi.DataMode = v1 ? DataMode.Journal : DataMode.Ordered;
        else if (sbi.DataMode != DataMode.Journal && v1)
            return log.Fail("K_JNL_DATA_MODE_UNSUPPORTED", Errno.EINVAL, "Journal does not support requested data journaling mode");
        return true;
    }

    /// <summary>ext4_load_journal.</summary>
    private static bool Load(SbInfo sbi, MountLog log)
    {
        var es = sbi.es;
        uint inum = es.s_journal_inum;
        bool device = sbi.Context.ExternalJournal is not null || es.s_journal_dev != 0;
        if (inum != 0 && device) return log.Fail("K_JNL_BOTH_INUM_DEV", Errno.EINVAL, "filesystem has both journal inode and journal device!");
        var journal = inum != 0 ? JournalOpen.OpenInodeJournal(sbi, log, inum, out var failure) : JournalOpen.OpenDevJournal(sbi, log, out failure);
        if (journal is null) return log.Refuse(failure.CheckId, failure.Errno, failure.Line);
        bool recover = sbi.Has(Ext4FeatureIncompat.INCOMPAT_RECOVER);
        if (recover && sbi.ReadOnly)
        {
            // The loop device is writable, so replay goes ahead on a read-only mount.
            log.Add("INFO: recovery required on readonly filesystem");
            log.Add("write access will be enabled during recovery");
        }
        if ((es.s_default_mount_opts & Ext4MountOpts.DEFM_NOBARRIER) != 0) log.Add("barriers disabled");
        var g = journal.Geometry;
        uint? failedCommit = null;
        if (g.Start != 0)
        {
            sbi.Context.Replay ??= JournalRun.Compute(sbi.Context, journal, sbi.s_inode_size, (uint)es.s_feature_incompat);
            var run = sbi.Context.Replay;
            if (!(recover ? Recover(sbi, log, journal, run) : Wipe(sbi, log, run))) return false;
            failedCommit = run.Recovery?.FailedCommit;
        }
        if (failedCommit is uint tid)
            return Failed(log, "J_TXN_CORRUPT", Errno.EUCLEAN, "JBD2: journal transaction " + MountLog.U(tid) + " on " + journal.DevName + " is corrupt.");
        // journal_reset: the log must hold JBD2_MIN_JOURNAL_BLOCKS after s_first (version 1 superblocks too).
        if ((ulong)g.First + MinJournalBlocks > (ulong)g.MaxLen + 1)
        {
            string line = "JBD2: Journal too short (blocks " + MountLog.U(g.First) + "-" + MountLog.U(g.MaxLen) + ").";
            log.Add(line);
            log.Add("JBD2: journal reset failed");
            return Failed(log, "J_RESET_TOO_SHORT", Errno.EINVAL, line, printed: true);
        }
        sbi.s_journal = journal;
        ClearJournalErr(sbi, log, journal);
        return true;
    }

    /// <summary>jbd2_journal_wipe: RECOVER is clear but the log is not empty; the scan pass runs and the log is discarded.</summary>
    private static bool Wipe(SbInfo sbi, MountLog log, JournalRun run)
    {
        log.Add("JBD2: Clearing recovery information on journal");
        if (run.Recovery is not { } r)
        {
            sbi.Context.Note("the stale journal log could not be read: the wipe's scan is assumed to succeed");
            return true;
        }
        // Only errors the scan pass can meet count here; later passes never run.
        if (r.Error is { } e && IsScanError(e))
        {
            if (KernelLine(e) is { } line) log.Add(line);
            string errno = Errno.FromKernelName(e.Errno);
            log.Add("JBD2: error -" + MountLog.D(Errno.Number(errno)) + " scanning journal");
            return Failed(log, "J_WIPE", errno, KernelLine(e) ?? "JBD2: error -" + MountLog.D(Errno.Number(errno)) + " scanning journal");
        }
        return true;
    }

    /// <summary>jbd2_journal_recover: the three passes (and the fast-commit scan and replay).</summary>
    private static bool Recover(SbInfo sbi, MountLog log, LoadedJournal journal, JournalRun run)
    {
        if (run.Recovery is not { } r) return RecoveryFailed(sbi, log, "K_JNL_LOAD_ERROR", Errno.EIO, "JBD2: bad block at offset " + MountLog.U(journal.Geometry.Start));
        if (r.Error is { } e && !(r.FailedCommit is not null && e.Errno == "EFSCORRUPTED" && e.LogBlock < 0))
        {
            string errno = Errno.FromKernelName(e.Errno);
            if (errno == "hang")
            {
                sbi.Context.Note("the journal log goes round without ending: the kernel's recovery never returns");
                return log.Refuse("K_JNL_LOAD_ERROR", "hang", e.Message);
            }
            return RecoveryFailed(sbi, log, "K_JNL_LOAD_ERROR", errno, KernelLine(e));
        }
        // do_one_pass(PASS_REPLAY): __getblk of a block past the end of the device fails, which jbd2 reports as
        // running out of memory (observed on 6.18 with fuzzed tags: docs/fuzz-differential.md).
        ulong device = sbi.Disk.Blocks((uint)journal.Geometry.BlockSize);
        foreach (ulong block in r.Replays.Keys)
            if (device != 0 && block >= device) return RecoveryFailed(sbi, log, "J_REPLAY_PAST_DEVICE", Errno.ENOMEM, "JBD2: Out of memory during recovery.");
        if (run.FastCommit is { } fc) return FastCommit(sbi, log, fc);
        return true;
    }

    /// <summary>fc_do_one_pass: a failed ext4_fc_replay_scan fails recovery; on a read-only mount a replay that links or unlinks names, or removes ranges, needs a journal handle and fails with EROFS (ext4_journal_check_start).</summary>
    private static bool FastCommit(SbInfo sbi, MountLog log, FcScan fc)
    {
        if (fc.Outcome == FcOutcome.Failed)
        {
            string errno = Errno.FromKernelName(fc.Errno);
            return RecoveryFailed(sbi, log, "K_JNL_LOAD_ERROR", errno, errno == Errno.EUCLEAN ? "JBD2: corrupted journal superblock" : null);
        }
        if (fc.Outcome != FcOutcome.Replay) return true;
        if (sbi.ReadOnly)
        {
            foreach (var record in fc.Records)
            {
                if (record.State == FcRecordState.Replayed && record.Tag is FcTag.CREAT or FcTag.LINK or FcTag.UNLINK or FcTag.DEL_RANGE)
                    return RecoveryFailed(sbi, log, "K_JNL_LOAD_ERROR", Errno.EROFS, null);
            }
        }
        sbi.Context.Note("fast-commit replay (" + MountLog.D(fc.ReplayTags) + " records) is taken to succeed: its inode, extent and directory edits are not modelled, and Linux 6.18 can fail there");
        return true;
    }

    /// <summary>jbd2_journal_load's end of a failed recovery: since 6.6 its own errno, before that always EIO.</summary>
    private static bool RecoveryFailed(SbInfo sbi, MountLog log, string checkId, string errno, string? line)
    {
        if (line is not null) log.Add(line);
        bool eio = sbi.Profile.RecoveryFailsWithEio;
        string summary = eio ? "JBD2: recovery failed" : "JBD2: journal recovery failed";
        log.Add(summary);
        return Failed(log, checkId, eio ? Errno.EIO : errno, line ?? summary, printed: true);
    }

    /// <summary>Prints the jbd2 line (unless already printed) and ext4's "error loading journal", and refuses.</summary>
    private static bool Failed(MountLog log, string checkId, string errno, string line, bool printed = false)
    {
        if (!printed) log.Add(line);
        log.Add("error loading journal");
        return log.Refuse(checkId, errno, line);
    }

    /// <summary>The runtime's recovery error as the 6.18 kernel prints it, or null when it prints nothing of its own.</summary>
    private static string? KernelLine(JournalError e)
    {
        const string dataBlock = "JBD2: Invalid checksum recovering data block ";
        if (e.Message.StartsWith(dataBlock, StringComparison.Ordinal) && e.Message.EndsWith(" in log", StringComparison.Ordinal))
            return e.Message[..^" in log".Length] + " in journal block " + MountLog.D(e.LogBlock);
        // A revoke count past the block (EINVAL), a data-block error summary and an empty log area print nothing themselves.
        if (e.Message.StartsWith("JBD2: revoke block ", StringComparison.Ordinal) || e.Message == "JBD2: data block checksum errors"
            || e.Message.StartsWith("JBD2: journal log area is empty", StringComparison.Ordinal))
            return null;
        return e.Message;
    }

    /// <summary>Errors do_one_pass(PASS_SCAN) can return: reading the log, and a bad checksum followed by a newer commit.</summary>
    private static bool IsScanError(JournalError e)
        => e.Message.StartsWith("JBD2: Invalid checksum found in transaction", StringComparison.Ordinal)
            || e.Message == "JBD2: corrupted journal superblock"
            || e.Message.StartsWith("JBD2: bad block at offset", StringComparison.Ordinal)
            || e.Message.StartsWith("JBD2: Failed to read block at offset", StringComparison.Ordinal);

    /// <summary>ext4_clear_journal_err: an error recorded in the journal marks the filesystem with errors.</summary>
    private static void ClearJournalErr(SbInfo sbi, MountLog log, LoadedJournal journal)
    {
        int errno = journal.s_errno;
        if (errno == 0) return;
        log.Add("Filesystem error recorded from previous mount: " + DecodeError(errno));
        sbi.s_mount_state |= Ext4State.ERROR_FS;
        log.Add("Marked fs in need of filesystem check.");
    }

    /// <summary>ext4_decode_error for an error a journal recorded (the journal is not aborted here).</summary>
    private static string DecodeError(int errno) => errno switch
    {
        -117 => "Corrupt filesystem",
        -74 => "Filesystem failed CRC",
        -5 => "IO failure",
        -12 => "Out of memory",
        -30 => "Readonly filesystem",
        _ => "error " + MountLog.D(-(long)errno),
    };
}
