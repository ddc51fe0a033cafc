using System;
using System.Collections.Generic;
using Ext4Codec.Editing;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Imaging;
using Ext4Codec.Journal;
using Ext4Codec.Kernel;

namespace Ext4Codec.Versioning;

/// <summary>
/// What each reader does with an image that may carry a format proposal: whether it takes the filesystem (a
/// kernel's mount, through the mount model set up with the reader's profile; e2fsck's feature checks), what its
/// journal recovery does with the fast commits (its own scan rules: complete, silently truncated, or failed, and
/// what failure costs), and which whiteouts it ends up with, against a replay of every valid commit by a reader
/// that implements the proposal. The image is only read: replays run on private copy-on-write views.
/// </summary>
public sealed class CompatJudge : IDisposable
{
    private readonly DiskImage _image;
    private readonly Ext4FileSystem? _fs;
    private readonly Jbd2Journal? _journal;
    private readonly JournalRecovery? _recovery;
    private readonly FcScan? _listing;
    private readonly string _openProblem = "";
    private IReadOnlyList<string>? _expectedWhiteouts;
    private readonly Dictionary<(int Records, bool Jbd2), DiskState> _after = [];

    /// <param name="proposal">The proposal the image was written for (null: the base format).</param>
    public CompatJudge(DiskImage image, ProposalLayout? proposal)
    {
        _image = image;
        Proposal = proposal;
        Intended = ReaderRules.Of(ReaderProfiles.Ext4codec, proposal);
        try
        {
            if (!Ext4FileSystem.TryOpen(image, false, out var fs, out var error))
            {
                _openProblem = error.Reason;
                return;
            }
            _fs = fs;
            if (Jbd2Journal.TryOpen(fs, out var journal, out _))
            {
                _journal = journal;
                _recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
                _listing = FcScanner.Scan(journal.Store, _recovery, journal.NumFcBlocks, fs.Geometry.InodeSize, Intended.Scan, (uint)fs.Geometry.Incompat);
            }
        }
        catch (CorruptDataException e)
        {
            _openProblem = e.Message;
        }
    }

    public ProposalLayout? Proposal { get; }

    /// <summary>This project's reader, implementing the proposal: the replay the image's writer meant.</summary>
    public ReaderRules Intended { get; }

    /// <summary>Records of the area's valid commits (0 without a journal that needs recovery).</summary>
    public int ExpectedRecords => _recovery?.NeedsRecovery == true ? _listing?.ValidPrefixTags ?? 0 : 0;

    /// <summary>The whiteouts once every valid commit is replayed (computed on first use: it replays the journal).</summary>
    public IReadOnlyList<string> ExpectedWhiteouts => _expectedWhiteouts ??= _fs is null ? [] : After(ExpectedRecords, jbd2: true).Whiteouts;

    /// <summary>The listing of the fast-commit area as the intended reader sees it, or null.</summary>
    public FcScan? Listing => _listing;

    public ReaderVerdict Judge(ReaderRules reader)
    {
        var notes = new List<string>();
        if (_fs is null)
        {
            var refused = new ReaderAccess(AccessKind.Refused, "EINVAL", "not an ext4 filesystem this project can open: " + _openProblem);
            return new ReaderVerdict(reader, refused, new ReaderReplay(ReplayKind.NotReached, 0, 0, "", "", "", ""), new ReaderWhiteouts([], [], false), notes);
        }
        var replay = ReplayOf(reader);
        ReaderAccess access = reader.IsChecker ? CheckerAccess(reader, replay) : reader.IsKernel ? KernelAccess(reader, notes) : new ReaderAccess(AccessKind.Checks, "", "replays with ext4codec replay");
        if (reader.IsKernel && reader.Profile.Version != "6.18")
            notes.Add($"mount checks other than the feature masks, the fast-commit scan and recovery errors are Linux 6.18's (the model's); this profile gives {reader.Profile.Version}'s");
        // What is on disk once the reader is done: its recovery written (a failed kernel recovery writes nothing; e2fsck
        // discards a journal it cannot recover), whether or not it then takes the filesystem.
        bool recovered = replay.Kind is ReplayKind.Complete or ReplayKind.Truncated or ReplayKind.Ignored;
        var onDisk = After(recovered ? replay.Replayed : 0, jbd2: recovered);
        if (onDisk.Problem is not null) notes.Add(onDisk.Problem);
        return new ReaderVerdict(reader, access, replay, new ReaderWhiteouts(ExpectedWhiteouts, onDisk.Whiteouts, access.Kind != AccessKind.Refused), notes) { Tree = onDisk.Tree };
    }

    /// <summary>The reader's journal recovery: jbd2, then its fast-commit scan, judged against the valid commits.</summary>
    public ReaderReplay ReplayOf(ReaderRules reader)
    {
        if (_fs is null) return new ReaderReplay(ReplayKind.NotReached, 0, 0, "", "", _openProblem, "");
        int expected = ExpectedRecords;
        if (_journal is null || _recovery is null) return new ReaderReplay(ReplayKind.NotNeeded, 0, 0, "", "", "no journal", "");
        if (!_recovery.NeedsRecovery) return new ReaderReplay(ReplayKind.NotNeeded, 0, 0, "", "", "the journal is clean", "");
        if (reader.IsChecker && Unknown(reader, out string early, afterRecovery: false) is not null)
            return new ReaderReplay(ReplayKind.NotReached, 0, expected, "", "", early, "e2fsck stops before the journal");
        // ext4_feature_set_ok refuses unknown INCOMPAT bits in __ext4_fill_super, before ext4_load_journal.
        if (reader.IsKernel && (_fs!.Geometry.Incompat & ~reader.KnownIncompat) is var unknown && unknown != 0)
            return new ReaderReplay(ReplayKind.NotReached, 0, expected, "", "", $"unsupported INCOMPAT 0x{(uint)unknown:x}: the mount is refused before the journal", "the mount fails until a kernel that knows the feature mounts it");
        string failedCost = reader.RecoveryFailure == RecoveryFailure.JOURNAL_DISCARDED
            ? "the journal is emptied: its committed transactions and fast commits are lost; a full check follows (exit 1 or 4)"
            : "the mount fails until a reader that can recover the journal mounts it";
        if (_recovery.Error is { } e)
            return new ReaderReplay(ReplayKind.Failed, 0, expected, "", Errno(reader, e.Errno), e.Message, failedCost);
        if (!_journal.Geometry.HasFastCommit) return new ReaderReplay(ReplayKind.NotScanned, 0, expected, "", "", "the journal has no INCOMPAT_FAST_COMMIT", "");
        if (reader.ReplayGate == FcReplayGate.EXT4_AND_JOURNAL && !_fs!.Geometry.Has(Ext4FeatureCompat.COMPAT_FAST_COMMIT))
            return new ReaderReplay(ReplayKind.Ignored, 0, expected, First(0), "", "the filesystem has no fast_commit feature: the area is ignored", expected > 0 ? "every fast commit is lost" : "");
        var scan = FcScanner.Scan(_journal.Store, _recovery, _journal.NumFcBlocks, _fs!.Geometry.InodeSize, reader.Scan, (uint)_fs.Geometry.Incompat);
        switch (scan.Outcome)
        {
            case FcOutcome.Failed:
                return new ReaderReplay(ReplayKind.Failed, 0, expected, First(0), Errno(reader, scan.Errno), scan.Reason, failedCost);
            case FcOutcome.NotScanned:
                return new ReaderReplay(ReplayKind.NotScanned, 0, expected, "", "", scan.Reason, "");
        }
        int replayed = scan.Outcome == FcOutcome.Replay ? scan.ReplayTags : 0;
        if (replayed >= expected) return new ReaderReplay(ReplayKind.Complete, replayed, expected, "", "", scan.Reason, "");
        return new ReaderReplay(ReplayKind.Truncated, replayed, expected, First(replayed), "", scan.Reason,
            $"{expected - replayed} records are dropped without an error: the mount succeeds without them");
    }

    /// <summary>A kernel's plain mount, from the mount model set up with the reader's profile.</summary>
    private ReaderAccess KernelAccess(ReaderRules reader, List<string> notes)
    {
        var verdict = KernelMountModel.Judge(_image, null, KernelProfile.Of(reader));
        foreach (string n in verdict.Notes) notes.Add(n);
        var rw = verdict.Rw;
        if (rw.Mounted) return new ReaderAccess(rw.ReadOnly ? AccessKind.MountsReadOnly : AccessKind.Mounts, "", rw.Message);
        if (verdict.Ro.Mounted) return new ReaderAccess(AccessKind.MountsReadOnly, rw.Errno, rw.Message);
        return new ReaderAccess(AccessKind.Refused, rw.Errno, rw.Message);
    }

    /// <summary>e2fsck -fy: the features it does not know stop it, before the journal (incompat, ro_compat) or after it (compat).</summary>
    private ReaderAccess CheckerAccess(ReaderRules reader, ReaderReplay replay)
    {
        if (Unknown(reader, out string why, afterRecovery: true) is { } kind) return new ReaderAccess(AccessKind.Refused, kind, why);
        return new ReaderAccess(AccessKind.Checks, "", replay.Kind == ReplayKind.Failed ? "checks after discarding the journal" : "checks the filesystem");
    }

    /// <summary>The feature bits the checker does not know that stop it at this point ("unsupported feature(s)"), or null.</summary>
    private string? Unknown(ReaderRules reader, out string why, bool afterRecovery)
    {
        var g = _fs!.Geometry;
        var incompat = g.Incompat & ~reader.KnownIncompat;
        var roCompat = g.RoCompat & ~reader.KnownRoCompat;
        var compat = g.Compat & ~reader.KnownCompat;
        why = "";
        // ext2fs_open2 (read-write, for -fy) refuses unknown incompat and ro_compat bits before any journal work.
        if (incompat != 0 || roCompat != 0)
        {
            why = $"unsupported feature(s): incompat 0x{(uint)incompat:x}, ro_compat 0x{(uint)roCompat:x} (ext2fs_open2)";
            return "EXT2_ET_UNSUPP_FEATURE";
        }
        if (afterRecovery && compat != 0 && reader.UnknownCompat == ReaderUnknownCompat.REFUSED_AFTER_RECOVERY)
        {
            why = $"unsupported feature(s): compat 0x{(uint)compat:x}: 'Get a newer version of e2fsck!' (exit 8) after journal recovery";
            return "EXT2_ET_UNSUPP_FEATURE";
        }
        return null;
    }

    private static string Errno(ReaderRules reader, string errno)
        => reader.RecoveryFailure == RecoveryFailure.MOUNT_FAILS_EIO ? "EIO" : Kernel.Errno.FromKernelName(errno);

    private string First(int index)
    {
        if (_listing is null || index >= _listing.Records.Count) return "";
        var r = _listing.Records[index];
        return $"{r.Tag} at journal block {r.JournalBlock}+{r.Offset}";
    }

    /// <summary>What is on disk once jbd2 (when <paramref name="jbd2"/>) and the first <paramref name="records"/> fast-commit records are replayed.</summary>
    /// <remarks>Readers that replay the same records share one replay.</remarks>
    private DiskState After(int records, bool jbd2)
    {
        if (!_after.TryGetValue((records, jbd2), out var state)) _after[(records, jbd2)] = state = Replayed(records, jbd2);
        return state;
    }

    private DiskState Replayed(int records, bool jbd2)
    {
        if (_fs is null) return new DiskState([], [], null);
        if (!jbd2 || _journal is null || _recovery is null || !_recovery.NeedsRecovery || _recovery.Error is not null) return DiskState.Of(_fs, null);
        using var view = _image.PrivateCopy();
        var scan = (_listing ?? new FcScan()).Replaying(records);
        try
        {
            if (!JournalReplayer.TryReplay(_fs, _journal, _recovery, scan, view, out string refusal, out _))
                return new DiskState([], [], "the replay for the whiteout count failed: " + refusal);
            using var replayed = Ext4FileSystem.Open(view);
            return DiskState.Of(replayed, null);
        }
        catch (Exception e) when (e is CorruptDataException or EditRefusedException)
        {
            return new DiskState([], [], "the replay for the whiteout count failed: " + e.Message);
        }
    }

    /// <summary>The whiteouts and the tree of a filesystem state, and why it could not be made (or null).</summary>
    private sealed record DiskState(List<string> Whiteouts, List<string> Tree, string? Problem)
    {
        public static DiskState Of(Ext4FileSystem fs, string? problem) => new(WhiteoutFinder.Find(fs), TreeListing.Of(fs), problem);
    }

    public void Dispose() => _fs?.Dispose();
}
