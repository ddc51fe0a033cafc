using System.Globalization;
using Ext4Codec.Generator.Model;
using Microsoft.CodeAnalysis.CSharp;

namespace Ext4Codec.Generator.Emitting;

/// <summary>C# spellings of spec names and types.</summary>
public static class Names
{
    /// <summary>A spec identifier as a C# identifier (kernel names stay as they are; keywords get '@').</summary>
    public static string Id(string name) => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    public static string Clr(ScalarKind kind) => kind switch
    {
        ScalarKind.U8 => "byte",
        ScalarKind.U16 => "ushort",
        ScalarKind.U32 => "uint",
        ScalarKind.U64 => "ulong",
        ScalarKind.I8 => "sbyte",
        ScalarKind.I16 => "short",
        ScalarKind.I32 => "int",
        _ => "long",
    };

    /// <summary>The BinaryPrimitives method suffix, e.g. <c>UInt32LittleEndian</c>; null for single bytes.</summary>
    public static string? Primitive(ScalarKind kind, Endian endian)
    {
        string e = endian == Endian.Big ? "BigEndian" : "LittleEndian";
        return kind switch
        {
            ScalarKind.U16 => "UInt16" + e,
            ScalarKind.U32 => "UInt32" + e,
            ScalarKind.U64 => "UInt64" + e,
            ScalarKind.I16 => "Int16" + e,
            ScalarKind.I32 => "Int32" + e,
            ScalarKind.I64 => "Int64" + e,
            _ => null,
        };
    }

    /// <summary>C# that reads an integer of <paramref name="kind"/> from <paramref name="span"/> at <paramref name="at"/>.</summary>
    public static string Read(ScalarKind kind, Endian endian, string span, string at)
    {
        string? prim = Primitive(kind, endian);
        if (prim is null) return kind == ScalarKind.I8 ? "(sbyte)" + span + "[" + at + "]" : span + "[" + at + "]";
        // Slice(at, width) rather than Slice(at): the JIT folds both bounds checks into one.
        return "BinaryPrimitives.Read" + prim + "(" + span + ".Slice(" + at + ", " + Int(Width(kind)) + "))";
    }

    /// <summary>C# that writes <paramref name="value"/> as an integer of <paramref name="kind"/> into <paramref name="span"/> at <paramref name="at"/>.</summary>
    public static string Write(ScalarKind kind, Endian endian, string span, string at, string value)
    {
        string? prim = Primitive(kind, endian);
        if (prim is null) return span + "[" + at + "] = (byte)" + value;
        return "BinaryPrimitives.Write" + prim + "(" + span + ".Slice(" + at + ", " + Int(Width(kind)) + "), " + value + ")";
    }

    private static int Width(ScalarKind kind) => kind switch
    {
        ScalarKind.U16 or ScalarKind.I16 => 2,
        ScalarKind.U32 or ScalarKind.I32 => 4,
        _ => 8,
    };

    public static string Hex(ulong value) => "0x" + value.ToString("X", CultureInfo.InvariantCulture);

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The trailing proposal argument of a layout constructor, left out for the base format.</summary>
    public static string ProposalArgument(string proposal) => proposal.Length == 0 ? "" : ", " + SourceWriter.Literal(proposal);

    /// <summary>
    /// A proposal or profile id as a C# member name: each part capitalised, parts joined directly unless the next
    /// starts with a digit (<c>fc_feature_gate</c> → <c>FcFeatureGate</c>, <c>linux_6_18</c> → <c>Linux_6_18</c>).
    /// </summary>
    public static string Member(string id)
    {
        var sb = new System.Text.StringBuilder(id.Length);
        foreach (string part in id.Split('_'))
        {
            if (part.Length == 0) continue;
            if (sb.Length > 0 && char.IsDigit(part[0])) sb.Append('_');
            sb.Append(char.ToUpperInvariant(part[0])).Append(part, 1, part.Length - 1);
        }
        return sb.ToString();
    }

    /// <summary>Checksum method stem: <c>metadata_csum</c> → <c>MetadataCsum</c>.</summary>
    public static string Pascal(string name) => Parsing.SpecParser.PascalCase(name);
}
