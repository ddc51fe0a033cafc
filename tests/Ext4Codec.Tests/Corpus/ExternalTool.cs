using System;
using Ext4Codec.Live;

namespace Ext4Codec.Tests.Corpus;

/// <summary>The independent tools tests compare against (e2fsprogs and friends), found and run one way.</summary>
public static class ExternalTool
{
    /// <summary>The tool's path (the sbin directories included, where e2fsprogs lives), or null when it is not installed.</summary>
    public static string? Find(string name) => SystemTool.Find(name);

    /// <summary>Runs the tool to completion: its exit code, standard output and standard error.</summary>
    public static (int Exit, string Output, string Errors) Run(string name, params string[] args)
    {
        var run = SystemTool.Run(name, args, TimeSpan.FromMinutes(10));
        return (run.Exit ?? -1, run.Output, run.Errors);
    }
}
