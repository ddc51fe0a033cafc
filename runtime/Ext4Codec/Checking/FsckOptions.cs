using Ext4Codec.Format;
using Ext4Codec.Versioning;

namespace Ext4Codec.Checking;

/// <summary>
/// Which checker the check stands for: e2fsck 1.47.0 (the oracle the passes follow) by default, or that checker
/// taught a format proposal (<see cref="ReaderRules.Implementing"/>): its feature masks, and the proposal's rules
/// (for static_whiteout: the shared whiteout's owner, mode and device checked, its link count not compared).
/// </summary>
public sealed record FsckOptions
{
    public static FsckOptions Default { get; } = new();

    public ReaderRules Checker { get; init; } = ReaderRules.Of(ReaderProfiles.E2fsck_1_47_0);

    public ProposalLayout? Proposal => Checker.Proposal;

    /// <summary>e2fsck 1.47.0 implementing <paramref name="proposal"/> (the default checker when null).</summary>
    public static FsckOptions For(ProposalLayout? proposal)
        => proposal is null ? Default : new FsckOptions { Checker = ReaderRules.Implementing(ReaderProfiles.E2fsck_1_47_0, proposal) };
}
