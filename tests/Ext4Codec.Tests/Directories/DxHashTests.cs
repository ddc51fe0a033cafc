using System;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using Ext4Codec.Directories;
using Ext4Codec.Format;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Directories;

/// <summary>The htree hashes against debugfs's dx_hash (e2fsprogs' own implementation) for every version, signed and unsigned.</summary>
public class DxHashTests
{
    private const string Seed = "6b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8";

    private static readonly string[] Names =
    [
        "a", "hello", "f17", "lost+found", "exactly-sixteen!", "a name of exactly thirty-two ch.",
        "héllo_wörld_with_a_rather_long_name_over_32_bytes", "\u00ff\u00fe high bytes \u00e9\u00e8", new string('x', 255),
    ];

    [SkippableTheory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Equals_debugfs_dx_hash(int version)
    {
        Skip.If(ExternalTool.Find("debugfs") is null, "debugfs (e2fsprogs) is not installed");
        using var demo = RepoImages.Extract(Path.Combine("corpus", "images", "demo-ext4.img.gz"));
        var seed = Guid.Parse(Seed).ToByteArray(bigEndian: true);
        foreach (string name in Names)
        {
            foreach (bool seeded in new[] { true, false })
            {
                var (hash, minor) = DxHash.Compute(Encoding.UTF8.GetBytes(name), (Ext4HashVersion)version, seeded ? seed : []);
                var (expectedHash, expectedMinor) = Debugfs(demo.Path, version, seeded ? Seed : null, name);
                Assert.True(expectedHash == hash && expectedMinor == minor,
                    $"version {version}, {(seeded ? "seeded" : "no seed")}, \"{name}\": 0x{hash:x}/0x{minor:x}, debugfs 0x{expectedHash:x}/0x{expectedMinor:x}");
            }
        }
    }

    private static (uint, uint) Debugfs(string image, int version, string? seed, string name)
    {
        string output = ExternalTool.Run("debugfs", "-R", $"dx_hash -h {version}{(seed is null ? "" : " -s " + seed)} \"{name}\"", image).Output;
        var m = Regex.Match(output, @"is 0x([0-9a-f]+) \(minor 0x([0-9a-f]+)\)");
        Assert.True(m.Success, "debugfs said: " + output);
        return (Convert.ToUInt32(m.Groups[1].Value, 16), Convert.ToUInt32(m.Groups[2].Value, 16));
    }
}
