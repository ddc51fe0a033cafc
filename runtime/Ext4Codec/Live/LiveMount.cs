using System.Collections.Generic;

namespace Ext4Codec.Live;

/// <summary>
/// What the running kernel did with one mount attempt. <see cref="Outcome"/> is "ok", "fail:ERRNO" (with ":rc=N"
/// when mount(8) did not exit 32) or "hang"; <see cref="Mode"/> is the mount's ro/rw mode, "-" when it failed;
/// <see cref="Messages"/> are the attempt's kernel lines with its devices written loop# and jloop#.
/// </summary>
public sealed record LiveMount(string Outcome, string Mode, IReadOnlyList<string> Messages)
{
    public bool Mounted => Outcome == "ok";

    /// <summary>The outcome as <see cref="Kernel.MountOutcome.Observable"/> writes a prediction: a mounted read-write request as ok:rw or ok:ro by its mode.</summary>
    public string Observable(Kernel.MountRequest request) => Mounted && !request.ReadOnly ? "ok:" + Mode : Outcome;

    /// <summary>The messages joined with " | ", "-" when there are none (the corpus TSVs' form).</summary>
    public string JoinedMessages => Messages.Count == 0 ? "-" : string.Join(" | ", Messages);
}
