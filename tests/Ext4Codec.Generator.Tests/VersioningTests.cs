using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis.CSharp;
using Snapshooter;
using Snapshooter.Xunit;
using Xunit;

namespace Ext4Codec.Generator.Tests;

/// <summary>
/// Format versioning in the spec language: <c>extend</c> blocks merge a proposal's members into declarations of
/// another file, <c>proposal</c> blocks gate them, <c>profile</c> blocks say what each reader knows (inheritance applied).
/// </summary>
public class VersioningTests
{
    private static Microsoft.CodeAnalysis.AdditionalText[] Specs() => [GeneratorHarness.Spec("sample.spec"), GeneratorHarness.Spec("versioning.spec")];

    [Theory]
    [InlineData("SpecProposals")]
    [InlineData("ReaderProfiles")]
    public void Versioning_source_matches_snapshot(string type)
    {
        var result = GeneratorHarness.Run(Specs());
        Assert.Empty(result.Diagnostics);
        var tree = result.GeneratedTrees.Single(t => Path.GetFileName(t.FilePath) == "Sample.Format." + type + ".g.cs");
        Snapshot.Match(tree.GetText().ToString(), SnapshotNameExtension.Create(type));
    }

    /// <summary>Compiled as C# 7.3 for netstandard2.0 and as latest C# for .NET, and run.</summary>
    [Theory]
    [InlineData(Target.Net)]
    [InlineData(Target.NetStandard20)]
    public void Extensions_gates_and_profiles_are_usable_from_code(Target target)
    {
        const string probe = """
            namespace Probe
            {
                using Sample.Format;
                public static class Run
                {
                    public static string Go()
                    {
                        var sb = new System.Text.StringBuilder();
                        // The extension's flag and tag are members like any other, marked with their proposal.
                        sb.Append((uint)Feat.NEW).Append(' ').Append(FeatInfo.Layout.Find(4).Proposal).Append(' ');
                        sb.Append(TagInfo.IsKnown(Tag.D)).Append(TagInfo.IsValidLength(Tag.D, 2, 0)).Append(' ');
                        // The field is carved out of the reserved padding, which keeps its name for the rest.
                        var pad = BlobLayout.Instance.Field("b_pad");
                        var level = BlobLayout.Instance.Field("b_level");
                        sb.Append(level.Offset).Append('/').Append(level.Proposal).Append(' ').Append(pad.Offset).Append('+').Append(pad.Size).Append(' ');
                        var buf = new byte[32];
                        buf[0] = 0xBE; buf[1] = 0xEF;
                        buf[0x0D] = 7;
                        var v = new BlobView(buf);
                        sb.Append(v.TryValidate(out _)).Append(v.Has_b_level).Append(v.b_level).Append(' ');
                        var gate = SpecProposals.P1.GateOf("Tag", (ulong)Tag.D);
                        sb.Append(gate.FlagSet).Append('.').Append(gate.Flag).Append('=').Append(gate.FlagValue).Append(' ');
                        sb.Append(SpecProposals.P1.GateOf("Tag", (ulong)Tag.A) == null).Append(' ');
                        var old = ReaderProfiles.Find("old");
                        var next = ReaderProfiles.New;
                        sb.Append(old.Mask("Feat")).Append(' ').Append(next.Mask("Feat")).Append(' ');
                        sb.Append(old.Knows("Tag", 4)).Append(next.Knows("Tag", 4)).Append(' ');
                        sb.Append(old.BehaviourOf("Mode").Member).Append('/').Append(next.BehaviourOf("Mode").Member).Append(' ');
                        sb.Append(next.From).Append(' ').Append(old.KnowledgeOf("Feat").Source).Append(' ').Append(ReaderProfiles.All.Length);
                        return sb.ToString();
                    }
                }
            }
            """;
        var errors = GeneratorHarness.CompileErrors(target, out var compilation, Specs());
        Assert.Empty(errors);
        compilation = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(probe, GeneratorHarness.ParseOptions(target)));
        using var image = new MemoryStream();
        var emit = compilation.Emit(image);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        string output = (string)Assembly.Load(image.ToArray()).GetType("Probe.Run")!.GetMethod("Go")!.Invoke(null, null)!;
        Assert.Equal("4 p1 TrueTrue 13/p1 14+2 TrueFalse7 Feat.NEW=4 True 3 7 FalseTrue STRICT/LAX old Feat mask 0x3 2", output);
    }
}
