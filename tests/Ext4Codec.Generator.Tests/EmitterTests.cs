using System;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Snapshooter;
using Snapshooter.Xunit;
using Xunit;

namespace Ext4Codec.Generator.Tests;

/// <summary>What the generator emits: deterministic, reviewed in snapshots, and correct when compiled and run.</summary>
public class EmitterTests
{
    /// <summary>Two independent runs (fresh generator, fresh compilation) emit byte-identical files, per target.</summary>
    [Theory]
    [InlineData(Target.Net)]
    [InlineData(Target.NetStandard20)]
    public void Output_is_byte_identical_across_builds(Target target)
    {
        byte[] Build() => System.Text.Encoding.UTF8.GetBytes(string.Join("\n", GeneratorHarness.Run(target, GeneratorHarness.FormatSpecs()).GeneratedTrees
            .Select(t => Path.GetFileName(t.FilePath) + "\n" + t.GetText())));
        Assert.Equal(Build(), Build());
    }

    [Theory]
    [InlineData("Blob")]
    [InlineData("Tag")]
    [InlineData("Feat")]
    [InlineData("SpecCatalog")]
    public void Sample_emitted_source_matches_snapshot(string type)
    {
        var tree = GeneratorHarness.Run(GeneratorHarness.Spec("sample.spec")).GeneratedTrees
            .Single(t => Path.GetFileName(t.FilePath) == "Sample.Format." + type + ".g.cs");
        Snapshot.Match(tree.GetText().ToString(), SnapshotNameExtension.Create(type));
    }

    /// <summary>The support file differs per target (intrinsic CRC-32C and vectorised search only where the framework has them).</summary>
    [Theory]
    [InlineData(Target.Net)]
    [InlineData(Target.NetStandard20)]
    public void Support_source_matches_snapshot_per_target(Target target)
    {
        var tree = GeneratorHarness.Run(target, GeneratorHarness.Spec("sample.spec")).GeneratedTrees
            .Single(t => Path.GetFileName(t.FilePath) == "Sample.Format.CodecSupport.g.cs");
        Snapshot.Match(tree.GetText().ToString(), SnapshotNameExtension.Create("CodecSupport", target));
    }

    /// <summary>Everything but the support file is the same text for every target.</summary>
    [Fact]
    public void Structure_sources_are_identical_across_targets()
    {
        static string[] Sources(Target target) => GeneratorHarness.Run(target, GeneratorHarness.FormatSpecs()).GeneratedTrees
            .Where(t => !t.FilePath.EndsWith(".CodecSupport.g.cs", StringComparison.Ordinal))
            .Select(t => Path.GetFileName(t.FilePath) + "\n" + t.GetText())
            .ToArray();
        Assert.Equal(Sources(Target.Net), Sources(Target.NetStandard20));
    }

    /// <summary>A netstandard2.0 library (C# 7.3, System.Memory) compiles the codecs of every spec without errors.</summary>
    [Theory]
    [InlineData(Target.Net)]
    [InlineData(Target.NetStandard20)]
    public void Format_specs_compile_for_each_target(Target target)
    {
        var errors = GeneratorHarness.CompileErrors(target, out _, GeneratorHarness.FormatSpecs());
        Assert.Empty(errors);
    }

    /// <summary>Compiles the sample's codec with a probe for each target and runs it: split values, checksums, validation, TLV walk.</summary>
    [Theory]
    [InlineData(Target.Net)]
    [InlineData(Target.NetStandard20)]
    public void Generated_codec_reads_writes_and_checks_hand_made_bytes(Target target)
    {
        const string probe = """
            namespace Probe
            {
                using Sample.Format;
                public static class Run
                {
                    public static string Go()
                    {
                        var buf = new byte[32];
                        var w = new BlobWriter(buf);
                        var h = w.b_header;
                        h.h_magic = 0xBEEF;
                        w.b_features = Feat.BIG | Feat.CSUM;
                        w.b_count = 0x1_0000_0005UL;
                        w.ResealCsum(42);
                        var v = new BlobView(buf);
                        var sb = new System.Text.StringBuilder();
                        sb.Append(v.b_count.ToString("X")).Append(' ').Append(v.b_count_lo).Append(' ').Append(v.b_count_hi).Append(' ');
                        sb.Append(v.VerifyCsum(42)).Append(' ').Append(v.VerifyCsum(41)).Append(' ').Append(v.StoredCsum.ToString("X4")).Append(' ');
                        sb.Append(v.TryValidate(out _)).Append(' ');
                        buf[0x0D] = 1;
                        sb.Append(new BlobView(buf).TryValidate(out var e)).Append(' ').Append(e.Field).Append('@').Append(e.Offset).Append(' ');
                        bool tooShort = !BlobView.TryCreate(new byte[23], out _, out var e2);
                        sb.Append(tooShort).Append(' ');
                        var r = new TagReader(new byte[] { 1, 0, 4, 0, 1, 2, 3, 4, 2, 0, 9, 0 });
                        while (r.MoveNext()) sb.Append(r.Current.Tag).Append(TagInfo.IsValidLength(r.Current.Tag, r.Current.Length, 10)).Append(' ');
                        sb.Append(r.Failed).Append('@').Append(r.Error.Offset).Append(' ');
                        var c = new byte[16];
                        System.Text.Encoding.ASCII.GetBytes("123456789").CopyTo(c, 0);
                        new CrcdWriter(c).ResealZlib();
                        sb.Append(new CrcdView(c).c_crc.ToString("X8"));
                        return sb.ToString();
                    }
                }
            }
            """;
        var errors = GeneratorHarness.CompileErrors(target, out var compilation, GeneratorHarness.Spec("sample.spec"));
        Assert.Empty(errors);
        compilation = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(probe, GeneratorHarness.ParseOptions(target)));
        using var image = new MemoryStream();
        var emit = compilation.Emit(image);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var assembly = Assembly.Load(image.ToArray());
        string output = (string)assembly.GetType("Probe.Run")!.GetMethod("Go")!.Invoke(null, null)!;

        // crc32c(42, le32 7, bytes with b_csum zeroed) & 0xFFFF, computed independently below; CBF43926 is the
        // published CRC-32 (zlib) check value of "123456789".
        var expected = new byte[32];
        expected[0] = 0xBE; expected[1] = 0xEF; expected[4] = 5; expected[8] = 3; expected[0x18] = 1;
        uint crc = Crc32cReference(42, new byte[] { 7, 0, 0, 0 });
        crc = Crc32cReference(crc, expected);
        Assert.Equal($"100000005 5 1 True False {crc & 0xFFFF:X4} True False b_pad@13 True ATrue True@10 CBF43926", output);
    }

    /// <summary>Bitwise CRC-32C, no final inversion: an independent reference for the generated table/hardware code.</summary>
    private static uint Crc32cReference(uint crc, byte[] data)
    {
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return crc;
    }
}
