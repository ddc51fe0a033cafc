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

/// <summary>Runs the generator in-process over spec texts and compiles what it emits.</summary>
public static class GeneratorHarness
{
    public static CSharpCompilation Compilation(string source = "namespace User { public static class Marker { } }")
    {
        var references = ((string)System.AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(System.IO.Path.PathSeparator)
            .Select(p => MetadataReference.CreateFromFile(p));
        return CSharpCompilation.Create("GeneratedCodecs",
            new[] { CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest)) },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    public static GeneratorDriver Driver(params AdditionalText[] specs)
        => CSharpGeneratorDriver.Create(
            new[] { new SpecGenerator().AsSourceGenerator() },
            specs,
            new CSharpParseOptions(LanguageVersion.Latest),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorDriverRunResult Run(params AdditionalText[] specs)
        => Driver(specs).RunGenerators(Compilation()).GetRunResult();

    /// <summary>Runs the generator and compiles its output; returns the compiler's errors (empty when it compiles).</summary>
    public static ImmutableArray<Diagnostic> CompileErrors(out Compilation output, params AdditionalText[] specs)
    {
        Driver(specs).RunGeneratorsAndUpdateCompilation(Compilation(), out output, out var diagnostics);
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
