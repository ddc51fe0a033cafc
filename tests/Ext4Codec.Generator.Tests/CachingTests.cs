using System.Collections;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Ext4Codec.Generator.Tests;

/// <summary>The pipeline must stay cached across edits that do not change a spec's meaning.</summary>
public class CachingTests
{
    private static readonly string[] Tracked = { TrackingNames.Parse, TrackingNames.Bind, TrackingNames.Units, TrackingNames.Diagnostics };

    [Fact]
    public void Unrelated_csharp_edit_leaves_every_step_cached()
    {
        var compilation = GeneratorHarness.Compilation();
        var driver = GeneratorHarness.Driver(GeneratorHarness.Spec("sample.spec")).RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (string name in Tracked)
        {
            var steps = result.TrackedSteps[name];
            Assert.All(steps.SelectMany(s => s.Outputs), o => Assert.True(
                o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {o.Reason}"));
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Comment_added_to_a_spec_reemits_nothing()
    {
        var compilation = GeneratorHarness.Compilation();
        var spec = GeneratorHarness.Spec("sample.spec");
        var driver = GeneratorHarness.Driver(spec).RunGenerators(compilation);
        var shifted = new InMemoryAdditionalText(spec.Path, "# a comment that moves every line down\n" + spec.GetText()!);
        driver = driver.ReplaceAdditionalText(spec, shifted);
        var result = driver.RunGenerators(compilation).GetRunResult().Results.Single();

        Assert.All(result.TrackedSteps[TrackingNames.Units].SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    /// <summary>What a build server sees when a spec is saved: the same driver re-runs and emits the new layout.</summary>
    [Fact]
    public void Spec_edit_regenerates_without_a_new_driver()
    {
        var compilation = GeneratorHarness.Compilation();
        var spec = GeneratorHarness.Spec("sample.spec");
        var driver = GeneratorHarness.Driver(spec).RunGenerators(compilation);
        string edited = spec.GetText()!.ToString().Replace("0x2 u16 t_len", "0x2 u16 t_length", System.StringComparison.Ordinal)
            .Replace("length t_len", "length t_length", System.StringComparison.Ordinal);
        driver = driver.ReplaceAdditionalText(spec, new InMemoryAdditionalText(spec.Path, edited)).RunGenerators(compilation);
        var tl = driver.GetRunResult().GeneratedTrees.Single(t => t.FilePath.EndsWith("Sample.Format.Tl.g.cs", System.StringComparison.Ordinal)).GetText().ToString();
        Assert.Contains("t_length", tl);
        Assert.DoesNotContain("t_len ", tl);
    }

    [Fact]
    public void Pipeline_models_hold_no_compilation_symbols_or_syntax()
    {
        var result = GeneratorHarness.Run(GeneratorHarness.Spec("sample.spec")).Results.Single();
        foreach (string name in Tracked)
        {
            foreach (var output in result.TrackedSteps[name].SelectMany(s => s.Outputs))
                AssertObjectGraph(output.Value, new System.Collections.Generic.HashSet<object>(System.Collections.Generic.ReferenceEqualityComparer.Instance));
        }
    }

    private static void AssertObjectGraph(object? node, System.Collections.Generic.HashSet<object> seen)
    {
        if (node is null || node is string || node.GetType().IsPrimitive || node.GetType().IsEnum || !seen.Add(node)) return;
        Assert.False(node is Compilation or ISymbol or SyntaxNode or SyntaxTree, $"pipeline model holds a {node.GetType()}");
        if (node is IEnumerable items)
        {
            foreach (var item in items) AssertObjectGraph(item, seen);
            return;
        }
        foreach (var field in node.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            AssertObjectGraph(field.GetValue(node), seen);
    }
}
