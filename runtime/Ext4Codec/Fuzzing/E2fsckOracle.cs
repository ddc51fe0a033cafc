using System;
using System.Diagnostics;
using System.IO;

namespace Ext4Codec.Fuzzing;

/// <summary>e2fsck -fn, the reference the differential mode compares the checker with: found once, run on an image file.</summary>
public sealed class E2fsckOracle
{
    private static readonly string[] SearchPath = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];
    private readonly string _path;

    private E2fsckOracle(string path) => _path = path;

    /// <summary>How long one e2fsck may run before it is killed and counted as hung.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public static bool TryFind(out E2fsckOracle oracle, out string why)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "e2fsck"))) { oracle = new E2fsckOracle(Path.Combine(dir, "e2fsck")); why = ""; return true; }
        }
        foreach (string dir in SearchPath)
        {
            if (File.Exists(Path.Combine(dir, "e2fsck"))) { oracle = new E2fsckOracle(Path.Combine(dir, "e2fsck")); why = ""; return true; }
        }
        oracle = null!;
        why = "e2fsck is not installed (Debian: apt-get install e2fsprogs)";
        return false;
    }

    /// <summary>Runs e2fsck -fn on <paramref name="imagePath"/>: its exit code (-1 when killed after <see cref="Timeout"/>) and output.</summary>
    public (int Exit, string Output) Run(string imagePath)
    {
        var psi = new ProcessStartInfo(_path) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add("-fn");
        psi.ArgumentList.Add(imagePath);
        // No local e2fsck.conf may change the verdict.
        psi.Environment["E2FSCK_CONFIG"] = "/dev/null";
        using var process = Process.Start(psi) ?? throw new IOException("cannot start " + _path);
        process.StandardInput.Close();
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, output.Result + errors.Result);
        }
        return (process.ExitCode, output.Result + errors.Result);
    }
}
