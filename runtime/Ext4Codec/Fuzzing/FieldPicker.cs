using System;
using Ext4Codec.Format;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// Picks a field of a structure instance from its layout metadata alone: a field that lies inside the instance's
/// bytes (fields declared from the end count back from its length), descending into nested structures and
/// picking an element of arrays.
/// </summary>
public static class FieldPicker
{
    private const int MaxDepth = 4;

    public static bool TryPick(StructureInstance instance, ref FuzzRandom rng, out FieldLeaf leaf)
        => TryPick(instance.Layout, 0, instance.Length, "", "", 0, ref rng, out leaf);

    private static bool TryPick(StructLayout layout, int baseOffset, int length, string prefix, string top, int depth, ref FuzzRandom rng, out FieldLeaf leaf)
    {
        leaf = default;
        var fields = layout.Fields;
        if (fields.Length == 0 || depth > MaxDepth) return false;
        for (int attempt = 0; attempt < 8; attempt++)
        {
            var f = fields[rng.Next(fields.Length)];
            int start = f.StartIn(length);
            int size = f.Kind == FieldKind.Flexible ? length - start : f.Size;
            if (start < 0 || size <= 0 || start + size > length) continue;
            string name = prefix + f.Name;
            string topName = depth == 0 ? f.Name : top;
            switch (f.Kind)
            {
                case FieldKind.Struct:
                case FieldKind.StructArray:
                {
                    var nested = SpecCatalog.FindStruct(f.StructName);
                    if (nested is null) continue;
                    int count = Math.Max(1, f.Count);
                    int element = rng.Next(count);
                    string path = f.Kind == FieldKind.StructArray ? name + "[" + element + "]." : name + ".";
                    if (TryPick(nested, baseOffset + start + element * f.ElementSize, f.ElementSize, path, topName, depth + 1, ref rng, out leaf)) return true;
                    continue;
                }
                case FieldKind.ScalarArray:
                {
                    int element = rng.Next(Math.Max(1, f.Count));
                    leaf = new FieldLeaf(f, layout, baseOffset + start + element * f.ElementSize, f.ElementSize, name + "[" + element + "]", topName);
                    return true;
                }
                case FieldKind.Scalar:
                    leaf = new FieldLeaf(f, layout, baseOffset + start, f.ElementSize, name, topName);
                    return true;
                default:
                    leaf = new FieldLeaf(f, layout, baseOffset + start, size, name, topName);
                    return true;
            }
        }
        return false;
    }
}
