using System.Collections.Generic;

namespace Ext4Codec.Versioning;

/// <summary>
/// What <c>e2fsck -fy</c> does with a scenario image, in the form both the model and the live e2fsck produce:
/// whether it refuses the filesystem (exit with bit 8: features it does not know), what its journal recovery does
/// (none, recovered, failed:ERRNO) and the whiteouts in the upper directory afterwards (which count only when it
/// goes on to check the filesystem).
/// </summary>
public sealed record RepairSight(bool Refused, string Journal, IReadOnlyList<string> Whiteouts)
{
    /// <summary>"checks journal=recovered whiteouts=b,c", "refused journal=none".</summary>
    public override string ToString() => (Refused ? "refused" : "checks") + " journal=" + Journal + (Refused ? "" : " whiteouts=" + MountSight.JoinNames(Whiteouts));
}
