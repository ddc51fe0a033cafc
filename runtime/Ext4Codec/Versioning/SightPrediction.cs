using System;
using System.Collections.Generic;

namespace Ext4Codec.Versioning;

/// <summary>
/// A reader's verdict turned into what the live system lets one see of it (<see cref="MountSight"/>,
/// <see cref="RepairSight"/>), so that a prediction and an observation compare as strings.
/// </summary>
public static class SightPrediction
{
    /// <summary>A kernel reader's plain mount of the image, with <paramref name="lower"/> the overlay's lower files.</summary>
    public static MountSight Mount(ReaderVerdict kernel, string upperPath, IReadOnlyList<string> lower)
    {
        if (!kernel.Reader.IsKernel) throw new ArgumentException(kernel.Reader.Name + " is not a kernel", nameof(kernel));
        string outcome = kernel.Access.Kind switch
        {
            AccessKind.Mounts => "ok:rw",
            // Forced read-only mounts have no errno; a refused rw mount that ro would take has the rw errno.
            AccessKind.MountsReadOnly when kernel.Access.Errno.Length == 0 => "ok:ro",
            _ => "fail:" + kernel.Access.Errno,
        };
        if (!outcome.StartsWith("ok", StringComparison.Ordinal)) return new MountSight(outcome, [], null, kernel.Access.Message, []);
        var whiteouts = NamesIn(kernel.Whiteouts.Survived, upperPath);
        List<string>? hidden = null;
        if (outcome == "ok:rw")
        {
            hidden = [];
            foreach (string name in lower)
                if (whiteouts.Contains(name)) hidden.Add(name);
        }
        return new MountSight(outcome, whiteouts, hidden, "", kernel.Tree);
    }

    /// <summary>A checker reader's <c>e2fsck -fy</c>.</summary>
    public static RepairSight Repair(ReaderVerdict checker, string upperPath)
    {
        if (!checker.Reader.IsChecker) throw new ArgumentException(checker.Reader.Name + " is not a checker", nameof(checker));
        string journal = checker.Replay.Kind switch
        {
            ReplayKind.NotNeeded or ReplayKind.NotReached => "none",
            ReplayKind.Failed => "failed:" + checker.Replay.Errno,
            _ => "recovered",
        };
        return new RepairSight(checker.Access.Kind == AccessKind.Refused, journal, NamesIn(checker.Whiteouts.Survived, upperPath));
    }

    /// <summary>The names of the entries of <paramref name="paths"/> that sit directly in <paramref name="directory"/>, in order.</summary>
    public static List<string> NamesIn(IReadOnlyList<string> paths, string directory)
    {
        string prefix = directory.EndsWith('/') ? directory : directory + "/";
        var names = new List<string>();
        foreach (string path in paths)
            if (path.StartsWith(prefix, StringComparison.Ordinal) && path.IndexOf('/', prefix.Length) < 0) names.Add(path[prefix.Length..]);
        return names;
    }
}
