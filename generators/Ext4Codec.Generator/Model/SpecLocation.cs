namespace Ext4Codec.Generator.Model;

/// <summary>A position in a spec file (1-based line and column), kept as data so models stay equatable.</summary>
public sealed record SpecLocation(string Path, int Line, int Column, int Length)
{
    public override string ToString() => $"{Path}({Line},{Column})";
}
