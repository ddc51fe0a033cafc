using System.Collections.Generic;

namespace Ext4Codec.FastCommit;

/// <summary>How the kernel's fast-commit scan ends.</summary>
public enum FcOutcome
{
    /// <summary>Recovery does not look at the area: the journal is clean or has no INCOMPAT_FAST_COMMIT.</summary>
    NotScanned,
    /// <summary>The area holds no fast commit for this tid (no HEAD, stale HEAD, nothing valid): nothing replays.</summary>
    NothingToReplay,
    /// <summary><see cref="FcScan.ReplayTags"/> records replay.</summary>
    Replay,
    /// <summary>The scan fails: journal recovery fails, so the mount fails.</summary>
    Failed,
}

/// <summary>A fast commit: its records from the first after the previous TAIL (or HEAD) through its TAIL.</summary>
public sealed record FcCommit(int Index, uint Tid, int FirstRecord, int TailRecord, bool Valid);

/// <summary>The fast-commit area as ext4_fc_replay_scan judges it, and every record found in it.</summary>
public sealed class FcScan
{
    public FcOutcome Outcome { get; internal set; }

    /// <summary>The tid the scan expects (jbd2's end_transaction).</summary>
    public uint ExpectedTid { get; internal set; }

    /// <summary>Records replay counts from the area's start (HEAD, PAD and TAIL included), as the kernel counts them.</summary>
    public int ReplayTags { get; internal set; }

    /// <summary>Why the scan stopped, in words (or the kernel's errno name when it failed).</summary>
    public string Reason { get; internal set; } = "";

    /// <summary>The errno the scan fails with (ECANCELED, EFSBADCRC, EOPNOTSUPP, EFSCORRUPTED), or empty.</summary>
    public string Errno { get; internal set; } = "";

    public uint FirstBlock { get; internal set; }

    public uint EndBlock { get; internal set; }

    public List<FcRecord> Records { get; } = [];

    public List<FcCommit> Commits { get; } = [];

    /// <summary>
    /// The records of the valid commits from the area's start up to the first commit that is not valid (the
    /// most any reader can replay: what the writer meant to be replayed).
    /// </summary>
    public int ValidPrefixTags
    {
        get
        {
            int tags = 0;
            foreach (var c in Commits)
            {
                if (!c.Valid) break;
                tags = c.TailRecord + 1;
            }
            return tags;
        }
    }

    /// <summary>The same listing replaying its first <paramref name="tags"/> records (another reader's count).</summary>
    internal FcScan Replaying(int tags)
    {
        var copy = new FcScan
        {
            Outcome = tags > 0 ? FcOutcome.Replay : FcOutcome.NothingToReplay,
            ExpectedTid = ExpectedTid,
            ReplayTags = tags,
            Reason = Reason,
            FirstBlock = FirstBlock,
            EndBlock = EndBlock,
        };
        copy.Records.AddRange(Records);
        copy.Commits.AddRange(Commits);
        return copy;
    }
}
