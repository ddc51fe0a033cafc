using System.Collections.Generic;

namespace Ext4Codec.Versioning;

/// <summary>
/// What a plain (read-write) kernel mount of a scenario image shows, in the form both the model and the live
/// kernel produce: the outcome (<see cref="Kernel.MountOutcome.Observable"/>), the whiteouts in the upper directory
/// (names of character devices 0:0) and, when the mount is read-write, the lower files an overlay stacked on that
/// upper directory hides.
/// </summary>
/// <param name="Said">For a refused mount, the kernel line that says why (the mount model's deciding line), or empty.</param>
/// <param name="Tree">The mounted filesystem's paths and types (<see cref="TreeListing"/>), empty when it did not mount.</param>
public sealed record MountSight(string Outcome, IReadOnlyList<string> Whiteouts, IReadOnlyList<string>? Hidden, string Said, IReadOnlyList<string> Tree)
{
    public bool Mounted => Outcome.StartsWith("ok", System.StringComparison.Ordinal);

    /// <summary>"ok:rw whiteouts=b,c hidden=b,c", "fail:EOPNOTSUPP said: JBD2: journal recovery failed".</summary>
    public override string ToString()
        => !Mounted ? Outcome + (Said.Length > 0 ? " said: " + Said : "")
            : Outcome + " whiteouts=" + JoinNames(Whiteouts) + (Hidden is null ? "" : " hidden=" + JoinNames(Hidden));

    /// <summary>The tree as one string: "/upper=d /upper/a=f ...", "-" when nothing is listed.</summary>
    public string TreeText => Tree.Count == 0 ? "-" : string.Join(' ', Tree);

    /// <summary>Names joined with commas, "-" for none.</summary>
    internal static string JoinNames(IReadOnlyList<string> names) => names.Count == 0 ? "-" : string.Join(',', names);
}
