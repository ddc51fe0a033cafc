using System.Globalization;
using System.IO;
using Ext4Codec.Format;

namespace Ext4Codec.Reports;

/// <summary>Field tables of the specs, printed from the generated layout metadata (<c>ext4codec spec --markdown</c>).</summary>
public static class SpecMarkdown
{
    public static void WriteStruct(TextWriter o, StructLayout s)
    {
        o.WriteLine($"## {s.SpecName} ({s.TypeName})");
        o.WriteLine();
        if (s.Doc.Length > 0) o.WriteLine(s.Doc + ".");
        o.WriteLine($"{s.Size} bytes{(s.MinSize != s.Size ? $" (at least {s.MinSize})" : "")}, {(s.BigEndian ? "big" : "little")}-endian{(s.Since.Length > 0 ? ", since " + s.Since : "")}.");
        if (s.Parameters.Length > 0) o.WriteLine("Parameters: " + string.Join(", ", s.Parameters) + ".");
        o.WriteLine();
        o.WriteLine("| Offset | Size | Type | Field | Counts when | Since | Meaning |");
        o.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var f in s.Fields)
        {
            string offset = f.FromEnd ? "end-" + f.Offset.ToString(CultureInfo.InvariantCulture) : "0x" + f.Offset.ToString("X3", CultureInfo.InvariantCulture);
            string size = f.Kind == FieldKind.Flexible ? "rest" : f.Size.ToString(CultureInfo.InvariantCulture);
            o.WriteLine($"| {offset} | {size} | {TypeText(f)} | `{f.Name}` | {Cell(f.Condition)} | {f.Since} | {Cell(f.Doc)} |");
        }
        if (s.Combines.Length > 0)
        {
            o.WriteLine();
            o.WriteLine("| Value | Low | High | High part counts when | Meaning |");
            o.WriteLine("|---|---|---|---|---|");
            foreach (var c in s.Combines) o.WriteLine($"| `{c.Name}` | `{c.Lo}` | `{c.Hi}` | {Cell(c.Condition.Length > 0 ? c.Condition : "always")} | {Cell(c.Doc)} |");
        }
        if (s.Checksums.Length > 0)
        {
            o.WriteLine();
            o.WriteLine("| Checksum | Algorithm | Stored in | In use when | Covers |");
            o.WriteLine("|---|---|---|---|---|");
            foreach (var k in s.Checksums)
                o.WriteLine($"| `{k.Name}` | {k.Algorithm} | {Cell(k.Store)} | {Cell(k.Condition.Length > 0 ? k.Condition : k.Feature.Length > 0 ? k.Feature : "always")} | {Cell(string.Join("; ", k.Steps))} |");
        }
        if (s.Constraints.Length > 0)
        {
            o.WriteLine();
            foreach (var c in s.Constraints) o.WriteLine($"- {c.Kind}{(c.Field.Length > 0 ? " `" + c.Field + "`" : "")}: {c.Text}");
        }
        o.WriteLine();
    }

    public static void WriteFlagSet(TextWriter o, FlagSetLayout set)
    {
        Heading(o, $"{set.TypeName} ({(set.IsFlags ? "flags" : "enum")}, {set.Size * 8} bits)", set.Doc);
        o.WriteLine("| Value | Name | e2fsprogs name | Since | Meaning |");
        o.WriteLine("|---|---|---|---|---|");
        foreach (var m in set.Members) o.WriteLine($"| 0x{m.Value:X} | `{m.Name}` | {m.Display} | {m.Since} | {Cell(m.Doc)} |");
        o.WriteLine();
    }

    public static void WriteTlv(TextWriter o, TlvLayout t)
    {
        Heading(o, $"{t.TypeName} (tag-length-value, header {t.Header}, {t.HeaderSize} bytes)", t.Doc);
        o.WriteLine("| Tag | Name | Value | Length | Since | Meaning |");
        o.WriteLine("|---|---|---|---|---|---|");
        foreach (var m in t.Tags) o.WriteLine($"| 0x{m.Value:X4} | `{m.Name}` | {m.ValueStruct} | {Cell(m.Length)} | {m.Since} | {Cell(m.Doc)} |");
        o.WriteLine();
    }

    private static void Heading(TextWriter o, string title, string doc)
    {
        o.WriteLine("## " + title);
        o.WriteLine();
        if (doc.Length > 0) o.WriteLine(doc + ".");
        o.WriteLine();
    }

    public static void WriteAll(TextWriter o)
    {
        foreach (var s in SpecCatalog.Structs) WriteStruct(o, s);
        foreach (var t in SpecCatalog.Tlvs) WriteTlv(o, t);
        foreach (var f in SpecCatalog.FlagSets) WriteFlagSet(o, f);
    }

    private static string TypeText(FieldLayout f) => f.Kind switch
    {
        FieldKind.Scalar => (f.Signed ? "i" : "u") + (f.ElementSize * 8).ToString(CultureInfo.InvariantCulture) + (f.FlagsType.Length > 0 ? " " + f.FlagsType : f.EnumType.Length > 0 ? " " + f.EnumType : ""),
        FieldKind.ScalarArray => "u" + (f.ElementSize * 8).ToString(CultureInfo.InvariantCulture) + "[" + f.Count.ToString(CultureInfo.InvariantCulture) + "]",
        FieldKind.Bytes => "u8[" + f.Count.ToString(CultureInfo.InvariantCulture) + "]",
        FieldKind.Chars => "char[" + f.Count.ToString(CultureInfo.InvariantCulture) + "]",
        FieldKind.Uuid => "uuid",
        FieldKind.Flexible => "u8[]",
        FieldKind.StructArray => f.StructName + "[" + f.Count.ToString(CultureInfo.InvariantCulture) + "]",
        _ => f.StructName,
    };

    private static string Cell(string text) => text.Replace("|", "\\|");
}
