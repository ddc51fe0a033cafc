using System;
using System.Collections.Generic;
using Ext4Codec.Live;

namespace Ext4Codec.Fuzzing;

/// <summary>e2fsck -fn, the reference the differential mode compares the checker with: found once, run on an image file.</summary>
public sealed class E2fsckOracle
{
    /// <summary>No local e2fsck.conf may change the verdict.</summary>
    private static readonly Dictionary<string, string> NoConfig = new() { ["E2FSCK_CONFIG"] = "/dev/null" };

    private readonly string _path;

    private E2fsckOracle(string path) => _path = path;

    /// <summary>How long one e2fsck may run before it is killed and counted as hung.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public static bool TryFind(out E2fsckOracle oracle, out string why)
    {
        string? path = SystemTool.Find("e2fsck");
        oracle = path is null ? null! : new E2fsckOracle(path);
        why = path is null ? "e2fsck is not installed (Debian: apt-get install e2fsprogs)" : "";
        return path is not null;
    }

    /// <summary>Runs e2fsck -fn on <paramref name="imagePath"/>: its exit code (-1 when killed after <see cref="Timeout"/>) and output.</summary>
    public (int Exit, string Output) Run(string imagePath)
    {
        var run = SystemTool.Run(_path, ["-fn", imagePath], Timeout, NoConfig);
        return (run.Exit ?? -1, run.Output + run.Errors);
    }
}
