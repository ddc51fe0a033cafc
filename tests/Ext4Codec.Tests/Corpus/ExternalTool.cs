using System;
using System.Diagnostics;
using System.IO;
using System.Linq;

namespace Ext4Codec.Tests.Corpus;

/// <summary>The independent tools tests compare against (e2fsprogs and friends), found and run one way.</summary>
public static class ExternalTool
{
    /// <summary>The tool's path (the sbin directories included, where e2fsprogs lives), or null when it is not installed.</summary>
    public static string? Find(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Where(dir => dir.Length > 0)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs the tool to completion: its exit code, standard output and standard error.</summary>
    public static (int Exit, string Output, string Errors) Run(string name, params string[] args)
    {
        var psi = new ProcessStartInfo(Find(name) ?? name) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var errors = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, errors.Result);
    }
}
