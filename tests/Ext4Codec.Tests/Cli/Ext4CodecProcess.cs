using System;
using System.IO;
using Ext4Codec.Live;

namespace Ext4Codec.Tests.Cli;

/// <summary>The ext4codec command line (built beside the tests) run as a process: exit code, standard output, standard error.</summary>
public static class Ext4CodecProcess
{
    private static readonly string Assembly = Path.Combine(AppContext.BaseDirectory, "ext4codec.dll");

    public static (int Exit, string Output, string Errors) Run(params string[] args)
    {
        // dotnet test names the host it runs under; fall back to the one on PATH.
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var run = SystemTool.Run(dotnet, ["exec", Assembly, .. args], TimeSpan.FromMinutes(5));
        return (run.Exit ?? -1, run.Output, run.Errors);
    }
}
