using System.Collections.Generic;

namespace Ext4Codec.Versioning;

/// <summary>Whether the reader takes the filesystem at all: a kernel's plain mount, e2fsck -fy going on to its passes.</summary>
public enum AccessKind
{
    /// <summary>Mounted read-write.</summary>
    Mounts,
    /// <summary>Mounted, read-only (forced, or only a read-only mount succeeds).</summary>
    MountsReadOnly,
    /// <summary>A checker that goes on to check the filesystem.</summary>
    Checks,
    /// <summary>Refused (with the errno and message).</summary>
    Refused,
}

/// <summary>What journal recovery does with the fast commits, for this reader.</summary>
public enum ReplayKind
{
    /// <summary>No recovery runs: the journal is clean.</summary>
    NotNeeded,
    /// <summary>The reader refuses the filesystem before its journal (features it does not know, an unreadable superblock).</summary>
    NotReached,
    /// <summary>Recovery runs but the journal has no fast-commit area (INCOMPAT_FAST_COMMIT clear), or it fails before the area.</summary>
    NotScanned,
    /// <summary>The reader skips the area silently (e2fsck without the ext4 fast_commit feature).</summary>
    Ignored,
    /// <summary>Every record of the valid commits replays.</summary>
    Complete,
    /// <summary>Replay stops early, silently: the records after the stop are lost.</summary>
    Truncated,
    /// <summary>Recovery fails (the mount is refused, or e2fsck discards the journal).</summary>
    Failed,
}

public sealed record ReaderAccess(AccessKind Kind, string Errno, string Message);

/// <param name="Replayed">Records the reader replays (HEAD, PAD and TAIL counted, as the kernel counts them).</param>
/// <param name="Expected">Records of the area's valid commits: what its writer meant to be replayed.</param>
/// <param name="FirstDropped">The first record the reader does not replay ("tag at journal block+offset"), or empty.</param>
/// <param name="Consequence">What happens to the filesystem then, in words.</param>
public sealed record ReaderReplay(ReplayKind Kind, int Replayed, int Expected, string FirstDropped, string Errno, string Message, string Consequence)
{
    /// <summary>Records the reader loses without saying so.</summary>
    public int SilentlyDropped => Kind == ReplayKind.Truncated ? Expected - Replayed : 0;
}

/// <param name="Expected">Whiteout paths after a replay of every valid commit.</param>
/// <param name="Survived">Whiteout paths on disk once the reader's recovery is done (or not done), whether or not it then takes the filesystem.</param>
/// <param name="Visible">The reader shows the filesystem at all (mounts, or checks): the whiteouts count only then.</param>
public sealed record ReaderWhiteouts(IReadOnlyList<string> Expected, IReadOnlyList<string> Survived, bool Visible)
{
    public bool AllSurvive => Visible && new HashSet<string>(Survived).IsSupersetOf(Expected);
}

/// <summary>One reader's verdict on an image: access, fast-commit replay, and the whiteouts it keeps.</summary>
public sealed record ReaderVerdict(ReaderRules Reader, ReaderAccess Access, ReaderReplay Replay, ReaderWhiteouts Whiteouts, IReadOnlyList<string> Notes)
{
    /// <summary>The filesystem's paths and types once the reader's recovery is done (<see cref="TreeListing"/>).</summary>
    public IReadOnlyList<string> Tree { get; init; } = [];
}
