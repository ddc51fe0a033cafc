using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace Ext4Codec.Live;

/// <summary>
/// The system programs the live oracles drive (e2fsck, losetup, mount, ...): found on PATH or in the sbin
/// directories, where e2fsprogs and util-linux live, and run with a time limit, in the C locale.
/// </summary>
public static class SystemTool
{
    private static readonly string[] ExtraPath = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>Time for a killed program to go; one stuck in the kernel may never.</summary>
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(5);

    /// <summary>The program's path, or null when it is not installed.</summary>
    public static string? Find(string name)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        foreach (string dir in ExtraPath)
            if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        return null;
    }

    /// <summary>
    /// Runs <paramref name="name"/> with <paramref name="args"/> and no standard input: its exit code (null when it
    /// was killed for running longer than <paramref name="timeout"/>), standard output and standard error.
    /// </summary>
    public static ToolRun Run(string name, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(Find(name) ?? name)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["LC_ALL"] = "C";
        if (environment is not null)
            foreach (var (key, value) in environment) psi.Environment[key] = value;
        using var p = Process.Start(psi) ?? throw new IOException("cannot start " + name);
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(KillGrace);
            return new ToolRun(null, Completed(output), Completed(errors));
        }
        p.WaitForExit();
        return new ToolRun(p.ExitCode, output.Result, errors.Result);
    }

    private static string Completed(System.Threading.Tasks.Task<string> read) => read.IsCompletedSuccessfully ? read.Result : "";
}
