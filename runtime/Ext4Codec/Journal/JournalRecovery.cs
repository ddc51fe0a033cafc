using System.Collections.Generic;

namespace Ext4Codec.Journal;

/// <summary>Why recovery fails, as the kernel reports it: its message and the errno the mount then fails with.</summary>
public sealed record JournalError(string Message, string Errno, long LogBlock);

/// <summary>Where a filesystem block's replayed content comes from.</summary>
public readonly record struct ReplaySource(uint LogBlock, uint Tid, bool Escaped);

/// <summary>
/// The outcome of jbd2 recovery (K fs/jbd2/recovery.c: PASS_SCAN, PASS_REVOKE, PASS_REPLAY) computed without
/// writing anything: which transactions replay, which blocks go where, and whether recovery fails.
/// </summary>
public sealed class JournalRecovery(JournalGeometry geometry)
{
    public JournalGeometry Geometry { get; } = geometry;

    /// <summary>Every transaction the scan pass walked, in log order.</summary>
    public List<JournalTransaction> Transactions { get; } = [];

    public uint StartTransaction { get; internal set; }

    /// <summary>The first transaction not replayed (info->end_transaction); fast-commit replay expects this tid.</summary>
    public uint EndTransaction { get; internal set; }

    /// <summary>The recovery error (mount fails), or null.</summary>
    public JournalError? Error { get; internal set; }

    /// <summary>Kernel messages that do not fail recovery (stale blocks ignored and the like).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Final content source of every replayed filesystem block (a later transaction's copy wins).</summary>
    public Dictionary<ulong, ReplaySource> Replays { get; } = [];

    public int NrReplays { get; internal set; }

    public int NrRevokes { get; internal set; }

    public int NrRevokeHits { get; internal set; }

    /// <summary>The transaction e2fsck reports as "was corrupt, replay was aborted" (j_failed_commit), or null.</summary>
    public uint? FailedCommit { get; internal set; }

    public bool NeedsRecovery => Geometry.NeedsRecovery;
}
