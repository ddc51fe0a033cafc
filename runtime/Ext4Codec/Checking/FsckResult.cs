using System.Collections.Generic;

namespace Ext4Codec.Checking;

/// <summary>What the e2fsck -fn equivalent found, and its exit code.</summary>
public sealed class FsckResult
{
    public List<Finding> Findings { get; } = [];

    /// <summary>The check could not run or stopped (e2fsck's fatal_error / "aborted"): exit code bit 8.</summary>
    public bool OperationalError { get; internal set; }

    /// <summary>Why the check stopped, or empty.</summary>
    public string AbortReason { get; internal set; } = "";

    /// <summary>Findings left uncorrected that count as errors: exit code bit 4.</summary>
    public bool ErrorsLeft { get; internal set; }

    /// <summary>e2fsck -n's exit code: 0 clean, 4 errors left, 8 operational error, 12 both.</summary>
    public int ExitCode => (OperationalError ? 8 : 0) | (ErrorsLeft ? 4 : 0);

    /// <summary>The backup superblock the check read instead of the primary one (e2fsck's "trying backup blocks"), or 0.</summary>
    public ulong BackupSuperblock { get; internal set; }

    /// <summary>Passes that ran to their end (0 = superblock checks … 5 = group summaries).</summary>
    public int LastPass { get; internal set; } = -1;

    public ulong InodesUsed { get; internal set; }
    public ulong InodesCount { get; internal set; }
    public ulong BlocksUsed { get; internal set; }
    public ulong BlocksCount { get; internal set; }
}
