using System.Collections.Generic;

namespace Ext4Codec.Versioning;

/// <summary>
/// What a plain (read-write) kernel mount of a scenario image shows, in the form both the model and the live
/// kernel produce: the outcome (<see cref="Kernel.MountOutcome.Observable"/>), the whiteouts in the upper directory
/// (names of character devices 0:0) and, when the mount is read-write, the lower files an overlay stacked on that
/// upper directory hides.
/// </summary>
public sealed record MountSight(string Outcome, IReadOnlyList<string> Whiteouts, IReadOnlyList<string>? Hidden)
{
    public bool Mounted => Outcome.StartsWith("ok", System.StringComparison.Ordinal);

    /// <summary>"ok:rw whiteouts=b,c hidden=b,c", "fail:EOPNOTSUPP".</summary>
    public override string ToString()
        => !Mounted ? Outcome : Outcome + " whiteouts=" + JoinNames(Whiteouts) + (Hidden is null ? "" : " hidden=" + JoinNames(Hidden));

    /// <summary>Names joined with commas, "-" for none.</summary>
    internal static string JoinNames(IReadOnlyList<string> names) => names.Count == 0 ? "-" : string.Join(',', names);
}
