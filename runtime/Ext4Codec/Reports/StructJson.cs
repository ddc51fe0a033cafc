using System;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Ext4Codec.Format;

namespace Ext4Codec.Reports;

/// <summary>A JSON value that does not fit what the spec declares, with where it is.</summary>
public sealed class JsonSpecException(string path, string message) : Exception(path + ": " + message)
{
    public string Path { get; } = path;
}

/// <summary>
/// Fills a structure's bytes from a JSON object by the spec's field names, through the generated layout metadata:
/// integers (numbers, or strings "0x…", "0o…", "0b…", decimal, or "major:minor" for a device number in the
/// kernel's new_encode_dev form), combines (split into their halves), nested structures (objects), integer arrays
/// (JSON arrays), byte fields and flexible arrays ("hex:…" or UTF-8 text), uuids (hex). Unknown names are errors.
/// </summary>
public static class StructJson
{
    /// <summary>Writes the object's fields into <paramref name="data"/> (already sized, e.g. Size + a flexible tail).</summary>
    /// <param name="skip">Property names the caller handles itself.</param>
    public static void Fill(StructLayout layout, JsonElement obj, Span<byte> data, string path, params string[] skip)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw new JsonSpecException(path, $"expected an object of {layout.SpecName} fields");
        foreach (var p in obj.EnumerateObject())
        {
            if (Array.IndexOf(skip, p.Name) >= 0) continue;
            string at = path + "." + p.Name;
            FieldLayout? field = Find(layout, p.Name);
            if (field is null)
            {
                var combine = FindCombine(layout, p.Name) ?? throw new JsonSpecException(at, $"{layout.SpecName} has no field or combined value '{p.Name}'");
                var lo = layout.Field(combine.Lo);
                var hi = layout.Field(combine.Hi);
                ulong v = Integer(p.Value, at);
                lo.WriteRaw(data, v);
                hi.WriteRaw(data, lo.Size >= 8 ? 0 : v >> (lo.Size * 8));
                continue;
            }
            Write(field, p.Value, data, at);
        }
    }

    /// <summary>The byte length of a flexible array's value: hex or text.</summary>
    public static byte[] Bytes(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.String) throw new JsonSpecException(path, "expected a string (\"hex:…\" or text)");
        string s = value.GetString()!;
        return s.StartsWith("hex:", StringComparison.Ordinal) ? Hex(s[4..], path) : Encoding.UTF8.GetBytes(s);
    }

    /// <summary>Bytes written as hex digits (spaces allowed between them).</summary>
    public static byte[] Hex(string digits, string path)
    {
        try
        {
            return Convert.FromHexString(digits.Replace(" ", "", StringComparison.Ordinal));
        }
        catch (FormatException)
        {
            throw new JsonSpecException(path, "not a hex string");
        }
    }

    /// <summary>An integer: a JSON number, or a string in hex, octal, binary, decimal or major:minor form.</summary>
    public static ulong Integer(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out ulong n)) return n;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long signed)) return unchecked((ulong)signed);
        if (value.ValueKind == JsonValueKind.True) return 1;
        if (value.ValueKind == JsonValueKind.False) return 0;
        if (value.ValueKind != JsonValueKind.String) throw new JsonSpecException(path, "expected an integer");
        string s = value.GetString()!.Trim();
        try
        {
            int colon = s.IndexOf(':');
            if (colon > 0)
            {
                uint major = uint.Parse(s.AsSpan(0, colon), CultureInfo.InvariantCulture), minor = uint.Parse(s.AsSpan(colon + 1), CultureInfo.InvariantCulture);
                // new_encode_dev holds a 12-bit major and a 20-bit minor.
                if (major > 0xFFF || minor > 0xFFFFF) throw new JsonSpecException(path, $"'{s}': a device number has a major below 4096 and a minor below 1048576");
                return (minor & 0xFF) | (major << 8) | ((minor & ~0xFFu) << 12);
            }
            if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) return Convert.ToUInt64(s[2..], 16);
            if (s.StartsWith("0o", StringComparison.OrdinalIgnoreCase)) return Convert.ToUInt64(s[2..], 8);
            if (s.StartsWith("0b", StringComparison.OrdinalIgnoreCase)) return Convert.ToUInt64(s[2..], 2);
            return ulong.Parse(s, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new JsonSpecException(path, $"'{s}' is not an integer");
        }
    }

    private static void Write(FieldLayout field, JsonElement value, Span<byte> data, string path)
    {
        int start = field.StartIn(data.Length);
        switch (field.Kind)
        {
            case FieldKind.Scalar:
                field.WriteRaw(data, Integer(value, path));
                break;
            case FieldKind.ScalarArray:
                if (value.ValueKind != JsonValueKind.Array) throw new JsonSpecException(path, $"expected an array of {field.Count} integers");
                int i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (i >= field.Count) throw new JsonSpecException(path, $"more than {field.Count} elements");
                    field.WriteRaw(data, Integer(item, path + "[" + i + "]"), i);
                    i++;
                }
                break;
            case FieldKind.Struct:
                var nested = SpecCatalog.FindStruct(field.StructName) ?? throw new JsonSpecException(path, $"no layout for {field.StructName}");
                Fill(nested, value, data.Slice(start, field.Size), path);
                break;
            case FieldKind.Bytes or FieldKind.Chars or FieldKind.Uuid:
            {
                byte[] bytes = field.Kind == FieldKind.Uuid && value.ValueKind == JsonValueKind.String && !value.GetString()!.StartsWith("hex:", StringComparison.Ordinal)
                    ? Uuid(value.GetString()!, path)
                    : Bytes(value, path);
                if (bytes.Length > field.Size) throw new JsonSpecException(path, $"{bytes.Length} bytes do not fit the field's {field.Size}");
                var target = data.Slice(start, field.Size);
                target.Clear();
                bytes.CopyTo(target);
                break;
            }
            case FieldKind.Flexible:
            {
                byte[] bytes = Bytes(value, path);
                if (bytes.Length > data.Length - start) throw new JsonSpecException(path, "the value is longer than the space left for it");
                bytes.CopyTo(data[start..]);
                break;
            }
            default:
                throw new JsonSpecException(path, $"{field.Kind} fields are not filled from JSON");
        }
    }

    private static byte[] Uuid(string text, string path)
    {
        try
        {
            return Convert.FromHexString(text.Replace("-", "", StringComparison.Ordinal));
        }
        catch (FormatException)
        {
            throw new JsonSpecException(path, "not a UUID");
        }
    }

    private static FieldLayout? Find(StructLayout layout, string name)
    {
        foreach (var f in layout.Fields)
            if (f.Name == name) return f;
        return null;
    }

    private static CombineLayout? FindCombine(StructLayout layout, string name)
    {
        foreach (var c in layout.Combines)
            if (c.Name == name) return c;
        return null;
    }
}
