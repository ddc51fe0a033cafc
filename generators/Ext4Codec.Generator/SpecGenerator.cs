using System;
using Ext4Codec.Generator.Binding;
using Ext4Codec.Generator.Emitting;
using Ext4Codec.Generator.Model;
using Ext4Codec.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Ext4Codec.Generator;

/// <summary>
/// Spec files (AdditionalFiles ending in <c>.spec</c>) → parse per file → bind per compilation → emit per
/// namespace. Sources and diagnostics leave on separate outputs: the emitted model holds no locations, so a
/// comment or blank line added to a spec re-reports diagnostics without re-emitting code. The one thing read
/// from the compilation is its <see cref="TargetProfile"/>, a small value that stays equal across C# edits.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SpecGenerator : IIncrementalGenerator
{
    public const string Extension = ".spec";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.AdditionalTextsProvider
            .Where(static t => t.Path.EndsWith(Extension, StringComparison.OrdinalIgnoreCase))
            .Select(static (t, ct) => SpecParser.Parse(t.Path, t.GetText(ct)?.ToString() ?? ""))
            .WithTrackingName(TrackingNames.Parse);

        var bound = parsed.Collect()
            .Select(static (files, _) => SpecBinder.Bind(files))
            .WithTrackingName(TrackingNames.Bind);

        var units = bound.SelectMany(static (b, _) => b.Units).WithTrackingName(TrackingNames.Units);
        var diagnostics = bound.Select(static (b, _) => b.Diagnostics).WithTrackingName(TrackingNames.Diagnostics);
        var target = context.CompilationProvider.Select(static (c, _) => TargetProfile.Of(c)).WithTrackingName(TrackingNames.Target);

        context.RegisterSourceOutput(units.Combine(target), static (spc, pair) => Emit(spc, pair.Left, pair.Right));
        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (var d in list) spc.ReportDiagnostic(d.ToDiagnostic());
        });
    }

    private static void Emit(SourceProductionContext spc, CodegenUnit unit, TargetProfile target)
    {
        string prefix = unit.Namespace + ".";
        Add(spc, prefix + "CodecSupport.g.cs", SupportEmitter.Emit(unit.Namespace, target));
        Add(spc, prefix + "SpecCatalog.g.cs", CatalogEmitter.Emit(unit));
        foreach (var set in unit.FlagSets) Add(spc, prefix + set.TypeName + ".g.cs", FlagSetEmitter.Emit(set, unit.Namespace));
        foreach (var s in unit.Structs) Add(spc, prefix + s.TypeName + ".g.cs", new StructEmitter(s, unit).Emit());
        foreach (var t in unit.Tlvs) Add(spc, prefix + t.TypeName + ".g.cs", TlvEmitter.Emit(t, unit));
        if (unit.Proposals.Count > 0) Add(spc, prefix + "SpecProposals.g.cs", VersioningEmitter.EmitProposals(unit));
        if (unit.Profiles.Count > 0) Add(spc, prefix + "ReaderProfiles.g.cs", VersioningEmitter.EmitProfiles(unit));
    }

    private static void Add(SourceProductionContext spc, string hint, string text)
        => spc.AddSource(hint, SourceText.From(text, System.Text.Encoding.UTF8));
}
