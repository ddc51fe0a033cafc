using System.Collections.Generic;

namespace Ext4Codec.Generator.Model;

/// <summary>Sizes of types and fields, shared by the binder and the emitters.</summary>
public static class LayoutMath
{
    public static int Width(ScalarKind kind) => kind switch
    {
        ScalarKind.U8 or ScalarKind.I8 => 1,
        ScalarKind.U16 or ScalarKind.I16 => 2,
        ScalarKind.U32 or ScalarKind.I32 => 4,
        _ => 8,
    };

    public static bool IsSigned(ScalarKind kind) => kind is ScalarKind.I8 or ScalarKind.I16 or ScalarKind.I32 or ScalarKind.I64;

    /// <summary>Byte width of a field; flexible arrays count 0. Unknown structures count 0 (the binder reports them).</summary>
    public static int Width(TypeRef type, IReadOnlyDictionary<string, int> structSizes) => type.Kind switch
    {
        FieldKind.Scalar => Width(type.Scalar),
        FieldKind.ScalarArray => Width(type.Scalar) * type.Count,
        FieldKind.Bytes or FieldKind.Chars => type.Count,
        FieldKind.Uuid => 16,
        FieldKind.Struct => structSizes.TryGetValue(type.StructName, out int s) ? s : 0,
        FieldKind.StructArray => structSizes.TryGetValue(type.StructName, out int t) ? t * type.Count : 0,
        _ => 0,
    };

    public static Dictionary<string, int> SizeMap(IEnumerable<StructSize> sizes)
    {
        var map = new Dictionary<string, int>();
        foreach (var s in sizes) map[s.SpecName] = s.Size;
        return map;
    }
}
