using System.Collections.Generic;

namespace Ext4Codec.Kernel;

/// <summary>How one kernel treats an image, asked three ways.</summary>
public sealed record KernelVerdict(KernelProfile Profile, MountOutcome Rw, MountOutcome Ro, MountOutcome RoNoLoad)
{
    /// <summary>"rw" when a plain mount is read-write; "ro" when it is forced read-only or only ro mounts succeed; "refuse" when nothing mounts.</summary>
    public string Mount
        => Rw.Mounted ? (Rw.ReadOnly ? "ro" : "rw")
            : Ro.Mounted || RoNoLoad.Mounted ? "ro"
            : "refuse";

    /// <summary>The outcome of one of the three requests.</summary>
    public MountOutcome For(MountRequest request) => request == MountRequest.Rw ? Rw : request == MountRequest.Ro ? Ro : RoNoLoad;

    /// <summary>The deciding line of the default (rw) attempt.</summary>
    public string Message => Rw.Message;

    /// <summary>What the model could not decide from the image bytes (behaviour it assumed instead), one line each.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
