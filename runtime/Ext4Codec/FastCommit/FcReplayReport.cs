using System.Collections.Generic;

namespace Ext4Codec.FastCommit;

/// <summary>What fast-commit replay did: records applied, records the kernel would skip too, and where the result deliberately differs from Linux 6.18's replay.</summary>
public sealed class FcReplayReport
{
    /// <summary>Records applied (HEAD, PAD and TAIL included, as the kernel counts them).</summary>
    public int Replayed { get; internal set; }

    /// <summary>Records skipped as the kernel skips them (inode or directory not there, entry already present or gone).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Where this replay is right and the kernel's is not (format-notes §9), one line per case.</summary>
    public List<string> Deviations { get; } = [];
}
