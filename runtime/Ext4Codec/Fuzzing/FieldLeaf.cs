using Ext4Codec.Format;

namespace Ext4Codec.Fuzzing;

/// <summary>One mutable piece of a structure instance: an integer (or one element of an integer array) or a run of bytes.</summary>
/// <param name="Field">The declared field (for a nested structure, the innermost one).</param>
/// <param name="Owner">The layout that declares <paramref name="Field"/>.</param>
/// <param name="Start">Offset of the piece from the start of the instance.</param>
/// <param name="Width">Bytes it spans.</param>
/// <param name="Path">The field as written in descriptions: "info.hash_version", "i_block[3]".</param>
/// <param name="TopField">The instance layout's own field this piece lies in (for coverage).</param>
public readonly record struct FieldLeaf(FieldLayout Field, StructLayout Owner, int Start, int Width, string Path, string TopField)
{
    /// <summary>Whether the piece is an integer (else bytes).</summary>
    public bool IsInteger => Field.Kind is FieldKind.Scalar or FieldKind.ScalarArray && Width is 1 or 2 or 4 or 8;
}
