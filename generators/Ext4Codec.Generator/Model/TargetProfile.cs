using System.Linq;
using Microsoft.CodeAnalysis;

namespace Ext4Codec.Generator.Model;

/// <summary>
/// What the consuming compilation's framework offers that generated code can use. Read from the referenced
/// assemblies rather than from preprocessor symbols, so the emitted text is exactly what that target compiles
/// (and a snapshot per target shows it), and a polyfilled API counts like a built-in one.
/// </summary>
public readonly record struct TargetProfile(bool Crc32CIntrinsic, bool IndexOfAnyExcept)
{
    /// <summary>netstandard2.0 with System.Memory: Span and BinaryPrimitives, nothing newer.</summary>
    public static TargetProfile Portable => default;

    public static TargetProfile Of(Compilation compilation) => new(
        HasPublicMethod(compilation, "System.Numerics.BitOperations", "Crc32C"),
        HasPublicMethod(compilation, "System.MemoryExtensions", "IndexOfAnyExcept"));

    /// <summary>The line the generated support file names its target with.</summary>
    public string Description => this == Portable
        ? "portable (Span and BinaryPrimitives only; netstandard2.0 with System.Memory)"
        : "uses " + string.Join(", ", new[] { Crc32CIntrinsic ? "BitOperations.Crc32C" : "", IndexOfAnyExcept ? "MemoryExtensions.IndexOfAnyExcept" : "" }.Where(s => s.Length > 0));

    private static bool HasPublicMethod(Compilation compilation, string type, string method)
        => compilation.GetTypeByMetadataName(type) is { } t
            && t.GetMembers(method).Any(m => m.DeclaredAccessibility == Accessibility.Public && m.IsStatic);
}
