using Ext4Codec.Generator.Helpers;
using Ext4Codec.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Ext4Codec.Generator.Diagnostics;

/// <summary>A diagnostic as data (descriptor id, location, message arguments), turned into a Roslyn one at the end.</summary>
public sealed record DiagnosticInfo(string Id, SpecLocation Location, EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, SpecLocation location, params string[] args)
        => new(descriptor.Id, location, args.ToEquatableArray());

    public Diagnostic ToDiagnostic()
    {
        var start = new LinePosition(Location.Line - 1, Location.Column - 1);
        var end = new LinePosition(Location.Line - 1, Location.Column - 1 + System.Math.Max(Location.Length, 1));
        // A file's text span is not known here; Roslyn places the diagnostic by line span for files outside the compilation.
        var location = Microsoft.CodeAnalysis.Location.Create(Location.Path, default, new LinePositionSpan(start, end));
        object[] args = new object[Arguments.Count];
        for (int i = 0; i < args.Length; i++) args[i] = Arguments[i];
        return Diagnostic.Create(DiagnosticDescriptors.ById(Id), location, args);
    }
}
