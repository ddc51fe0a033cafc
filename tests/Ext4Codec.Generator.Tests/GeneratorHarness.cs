using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Ext4Codec.Generator.Tests;

/// <summary>An in-memory spec file handed to the generator as an AdditionalFile.</summary>
public sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
}

/// <summary>The framework a consumer compiles against.</summary>
public enum Target
{
    /// <summary>The running .NET (its trusted platform assemblies), C# latest.</summary>
    Net,
    /// <summary>netstandard2.0 with System.Memory, C# 7.3 (the defaults of a netstandard2.0 library).</summary>
    NetStandard20,
}

/// <summary>Runs the generator in-process over spec texts and compiles what it emits.</summary>
public static class GeneratorHarness
{
    public static CSharpCompilation Compilation(string source = "namespace User { public static class Marker { } }", Target target = Target.Net)
        => CSharpCompilation.Create("GeneratedCodecs",
            new[] { CSharpSyntaxTree.ParseText(source, ParseOptions(target)) },
            References(target),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: target == Target.Net ? NullableContextOptions.Enable : NullableContextOptions.Disable));

    public static CSharpParseOptions ParseOptions(Target target)
        => new(target == Target.Net ? LanguageVersion.Latest : LanguageVersion.CSharp7_3);

    private static System.Collections.Generic.IEnumerable<MetadataReference> References(Target target)
    {
        var paths = target == Target.Net
            ? ((string)System.AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(System.IO.Path.PathSeparator)
            : Directory.GetFiles(System.IO.Path.Combine(System.AppContext.BaseDirectory, "refs", "netstandard2.0"), "*.dll");
        return paths.Select(p => MetadataReference.CreateFromFile(p));
    }

    public static GeneratorDriver Driver(AdditionalText[] specs, Target target = Target.Net)
        => CSharpGeneratorDriver.Create(
            new[] { new SpecGenerator().AsSourceGenerator() },
            specs,
            ParseOptions(target),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorDriver Driver(params AdditionalText[] specs) => Driver(specs, Target.Net);

    public static GeneratorDriverRunResult Run(params AdditionalText[] specs) => Run(Target.Net, specs);

    public static GeneratorDriverRunResult Run(Target target, params AdditionalText[] specs)
        => Driver(specs, target).RunGenerators(Compilation(target: target)).GetRunResult();

    /// <summary>Runs the generator and compiles its output; returns the compiler's errors (empty when it compiles).</summary>
    public static ImmutableArray<Diagnostic> CompileErrors(out Compilation output, params AdditionalText[] specs)
        => CompileErrors(Target.Net, out output, specs);

    public static ImmutableArray<Diagnostic> CompileErrors(Target target, out Compilation output, params AdditionalText[] specs)
    {
        Driver(specs, target).RunGeneratorsAndUpdateCompilation(Compilation(target: target), out output, out var diagnostics);
        return diagnostics.AddRange(output.GetDiagnostics()).Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
    }

    public static AdditionalText Spec(string fileName) => new InMemoryAdditionalText(
        fileName, File.ReadAllText(System.IO.Path.Combine(System.AppContext.BaseDirectory, "Specs", fileName)));

    /// <summary>Every file in format-specs/ (copied next to the test assembly).</summary>
    public static AdditionalText[] FormatSpecs()
        => Directory.GetFiles(System.IO.Path.Combine(System.AppContext.BaseDirectory, "format-specs"), "*.spec", SearchOption.AllDirectories)
            .OrderBy(p => p, System.StringComparer.Ordinal)
            .Select(p => (AdditionalText)new InMemoryAdditionalText(p, File.ReadAllText(p)))
            .ToArray();
}
