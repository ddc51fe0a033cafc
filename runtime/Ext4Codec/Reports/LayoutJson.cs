using System;
using System.Text.Json;
using Ext4Codec.Format;

namespace Ext4Codec.Reports;

/// <summary>
/// Writes a structure's fields as JSON straight from its layout metadata, under the spec's (kernel) field names:
/// integers as numbers, flags and enums as numbers, UUIDs canonical, fixed strings as text, other byte arrays
/// as hex. Fields a structure does not have here are left out.
/// </summary>
public static class LayoutJson
{
    /// <summary>The fields, then each combined hi/lo value under its own name.</summary>
    public static void WriteStruct(Utf8JsonWriter w, StructLayout layout, ReadOnlySpan<byte> data, ReadOnlySpan<bool> present, ReadOnlySpan<ulong> combined)
    {
        WriteFields(w, layout, data, present);
        for (int i = 0; i < combined.Length; i++) w.WriteNumber(layout.Combines[i].Name, combined[i]);
    }

    /// <param name="present">Whether field i exists in these bytes (the generated view's IsPresent).</param>
    public static void WriteFields(Utf8JsonWriter w, StructLayout layout, ReadOnlySpan<byte> data, ReadOnlySpan<bool> present)
    {
        for (int i = 0; i < layout.Fields.Length; i++)
        {
            var f = layout.Fields[i];
            if (!present[i]) continue;
            int start = f.StartIn(data.Length);
            int size = f.Kind == FieldKind.Flexible ? Math.Max(0, data.Length - start) : f.Size;
            if (start < 0 || start + size > data.Length) continue;
            var bytes = data.Slice(start, size);
            switch (f.Kind)
            {
                case FieldKind.Scalar:
                    if (f.Signed) w.WriteNumber(f.Name, SignExtend(f.ReadRaw(data), f.ElementSize));
                    else w.WriteNumber(f.Name, f.ReadRaw(data));
                    break;
                case FieldKind.ScalarArray:
                    w.WriteStartArray(f.Name);
                    for (int k = 0; k < f.Count; k++) w.WriteNumberValue(f.ReadRaw(data, k));
                    w.WriteEndArray();
                    break;
                case FieldKind.Uuid:
                    w.WriteString(f.Name, E2pNames.CanonicalUuid(bytes));
                    break;
                case FieldKind.Chars:
                    w.WriteString(f.Name, E2pNames.FixedString(bytes));
                    break;
                case FieldKind.Struct:
                {
                    var nested = SpecCatalog.FindStruct(f.StructName);
                    w.WriteStartObject(f.Name);
                    if (nested is not null)
                    {
                        var all = new bool[nested.Fields.Length];
                        all.AsSpan().Fill(true);
                        WriteFields(w, nested, bytes, all);
                    }
                    w.WriteEndObject();
                    break;
                }
                default:
                    w.WriteString(f.Name, Convert.ToHexStringLower(bytes));
                    break;
            }
        }
    }

    private static long SignExtend(ulong raw, int bytes) => bytes switch
    {
        1 => (sbyte)raw,
        2 => (short)raw,
        4 => (int)raw,
        _ => (long)raw,
    };
}
