using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using Xunit;

namespace Ext4Codec.Generator.Tests;

/// <summary>
/// The generator as users get it: samples/run-sample.sh packs both packages into a folder feed and builds the
/// GPT sample from that feed for netstandard2.0 and net10.0, running its tests (against sgdisk and sfdisk) on each.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _feed = Directory.CreateTempSubdirectory("ext4codec-feed-").FullName;

    public void Dispose() => Directory.Delete(_feed, recursive: true);

    [SkippableFact]
    public void Packed_generator_builds_and_tests_the_gpt_sample_for_both_targets()
    {
        Skip.If(!OnPath("sgdisk") || !OnPath("sfdisk"), "sgdisk and sfdisk are needed (Debian: apt-get install gdisk fdisk); .ci/run installs them");
        string repo = RepoRoot();
        var (exit, output) = Run("bash", Path.Combine(repo, "samples", "run-sample.sh"), _feed);
        Assert.True(exit == 0, output);

        foreach (string target in new[] { "netstandard2.0", "net10.0" })
        {
            int section = output.IndexOf("== GPT sample, library built for " + target + " ==", StringComparison.Ordinal);
            Assert.True(section >= 0, "no run for " + target + ":\n" + output);
            Assert.Matches(@"^  \| \s*Passed!\s+-\s+Failed:\s+0, Passed:\s+5,", output.Substring(section).Split('\n')
                .First(l => l.Contains("Passed!", StringComparison.Ordinal) || l.Contains("Failed!", StringComparison.Ordinal)));
        }

        using (var generator = ZipFile.OpenRead(Directory.GetFiles(_feed, "Ext4Codec.Generator.*.nupkg").Single()))
        {
            var names = generator.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("analyzers/dotnet/cs/Ext4Codec.Generator.dll", names);
            Assert.Contains("build/Ext4Codec.Generator.props", names);
            Assert.Contains("buildTransitive/Ext4Codec.Generator.props", names);
            Assert.Contains("README.md", names);
            Assert.DoesNotContain(names, n => n.StartsWith("lib/", StringComparison.Ordinal));
            var nuspec = Nuspec(generator);
            Assert.Equal("MIT", nuspec.Descendants().Single(e => e.Name.LocalName == "license").Value);
            Assert.Equal("true", nuspec.Descendants().Single(e => e.Name.LocalName == "developmentDependency").Value);
            Assert.DoesNotContain(nuspec.Descendants(), e => e.Name.LocalName == "dependency");
        }

        using (var library = ZipFile.OpenRead(Directory.GetFiles(_feed, "Ext4Codec.0*.nupkg").Single()))
        {
            var names = library.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("lib/net10.0/Ext4Codec.Runtime.dll", names);
            Assert.DoesNotContain(names, n => n.StartsWith("analyzers/", StringComparison.Ordinal));
            Assert.DoesNotContain(Nuspec(library).Descendants().Where(e => e.Name.LocalName == "dependency"),
                d => (string?)d.Attribute("id") == "Ext4Codec.Generator");
        }
    }

    private static XDocument Nuspec(ZipArchive package)
    {
        using var stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Codec.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Codec.sln not found above " + AppContext.BaseDirectory);
    }

    private static bool OnPath(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(new[] { "/usr/sbin", "/sbin" })
            .Any(d => d.Length > 0 && File.Exists(Path.Combine(d, tool)));

    private static (int Exit, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        // Quoted with a bar so the nested runs' summary lines never pass for this run's in CI's tally.
        return (process.ExitCode, string.Join("\n", (output + errors.Result).Split('\n').Select(l => "  | " + l)));
    }
}
