using System.Collections.Generic;
using System.Linq;
using Ext4Codec.Generator.Model;

namespace Ext4Codec.Generator.Emitting;

/// <summary>
/// Emits a tag-length-value family: the tag enum, a record reader that never reads past its span, the length
/// rules as code, a record writer, and metadata.
/// </summary>
public static class TlvEmitter
{
    public static string Emit(TlvSpec t, CodegenUnit unit)
    {
        string L(string s) => SourceWriter.Literal(s);
        var header = unit.Structs.First(s => s.SpecName == t.Header);
        var tag = header.Fields.First(f => f.Name == t.TagField);
        var len = header.Fields.First(f => f.Name == t.LengthField);
        string tagType = Names.Clr(tag.Type.Scalar);
        string lenType = Names.Clr(len.Type.Scalar);
        Endian tagEndian = tag.Endian ?? header.Endian;
        Endian lenEndian = len.Endian ?? header.Endian;
        int headerSize = header.Size;
        long maxLength = (1L << (LayoutMath.Width(len.Type.Scalar) * 8)) - 1;
        string record = t.TypeName + "Record";
        string reader = t.TypeName + "Reader";
        string info = t.TypeName + "Info";
        var paramNames = t.Params.ToDictionary(p => p.Name, p => Names.Id(p.Name));
        var ex = new ExprEmitter(paramNames, new Dictionary<string, string>());
        string plist = string.Concat(t.Params.Select(p => ", " + Names.Clr(p.Type.Scalar) + " " + Names.Id(p.Name)));

        var w = new SourceWriter();
        w.Line(SupportEmitter.Header.TrimEnd('\n'));
        w.Open("namespace " + unit.Namespace);
        w.Line("using System;");
        w.Line("using System.Buffers.Binary;");
        w.Line();
        w.Doc(t.Doc.Length > 0 ? t.Doc : t.TypeName);
        w.Open("public enum " + t.TypeName + " : " + tagType);
        foreach (var m in t.Members)
        {
            w.Doc((m.Doc + (m.Since.Length > 0 ? " Since " + m.Since + "." : "") + (m.Proposal.Length > 0 ? " Proposal: " + m.Proposal + "." : "")).Trim());
            w.Line(Names.Id(m.Name) + " = " + Names.Hex(m.Value) + ",");
        }
        w.Close();
        w.Line();

        w.Line("/// <summary>One record: its tag, the value bytes, and the offset of its header in the data.</summary>");
        w.Open("public readonly ref struct " + record);
        w.Open("public " + record + "(" + t.TypeName + " tag, int length, ReadOnlySpan<byte> value, int offset)");
        w.Line("Tag = tag;");
        w.Line("Length = length;");
        w.Line("Value = value;");
        w.Line("Offset = offset;");
        w.Close();
        w.Line("public " + t.TypeName + " Tag { get; }");
        w.Line("/// <summary>The length field: bytes of value after the " + Names.Int(headerSize) + "-byte header.</summary>");
        w.Line("public int Length { get; }");
        w.Line("public ReadOnlySpan<byte> Value { get; }");
        w.Line("public int Offset { get; }");
        w.Line("/// <summary>Header plus value.</summary>");
        w.Line("public int TotalLength => " + Names.Int(headerSize) + " + Length;");
        w.Close();
        w.Line();

        w.Line("/// <summary>Walks records front to back. Stops at the end of the data or, with <see cref=\"Failed\"/> set, at a record whose value runs past it.</summary>");
        w.Open("public ref struct " + reader);
        w.Line("private readonly ReadOnlySpan<byte> _data;");
        w.Line("private int _next;");
        w.Line("private " + record + " _current;");
        w.Line("private Corruption _error;");
        w.Line("private bool _failed;");
        w.Line();
        w.Open("public " + reader + "(ReadOnlySpan<byte> data)");
        w.Line("_data = data;");
        w.Line("_next = 0;");
        w.Line("_current = default;");
        w.Line("_error = default;");
        w.Line("_failed = false;");
        w.Close();
        w.Line();
        w.Line("public " + record + " Current => _current;");
        w.Line("/// <summary>Offset where the next record would start.</summary>");
        w.Line("public int NextOffset => _next;");
        w.Line("/// <summary>True when the walk stopped at a malformed record; <see cref=\"Error\"/> says where.</summary>");
        w.Line("public bool Failed => _failed;");
        w.Line("public Corruption Error => _error;");
        w.Line("public " + reader + " GetEnumerator() => this;");
        w.Line();
        w.Open("public bool MoveNext()");
        w.Line("if (_failed || _data.Length - _next < " + Names.Int(headerSize) + ") return false;");
        w.Line("var tag = (" + t.TypeName + ")" + Names.Read(tag.Type.Scalar, tagEndian, "_data", "_next + " + Names.Int(tag.Offset)) + ";");
        w.Line("int length = " + Names.Read(len.Type.Scalar, lenEndian, "_data", "_next + " + Names.Int(len.Offset)) + ";");
        w.Open("if (length > _data.Length - _next - " + Names.Int(headerSize) + ")");
        w.Line("_failed = true;");
        w.Line("_error = new Corruption(" + L(header.SpecName) + ", " + L(len.Name) + ", _next + " + Names.Int(len.Offset) + ", \"value of \" + length.ToString(System.Globalization.CultureInfo.InvariantCulture) + \" bytes runs past the end of the data\");");
        w.Line("return false;");
        w.Close();
        w.Line("_current = new " + record + "(tag, length, _data.Slice(_next + " + Names.Int(headerSize) + ", length), _next);");
        w.Line("_next += " + Names.Int(headerSize) + " + length;");
        w.Line("return true;");
        w.Close();
        w.Close();
        w.Line();

        w.Line("/// <summary>Length rules, writer and metadata of <see cref=\"" + t.TypeName + "\"/>.</summary>");
        w.Open("public static partial class " + info);
        w.Line("public const int HeaderSize = " + Names.Int(headerSize) + ";");
        w.Line();
        w.Open("public static readonly TlvLayout Layout = new TlvLayout(" + L(t.TypeName) + ", " + L(t.Header) + ", " + Names.Int(headerSize) + ", " + L(t.Doc) + ", new TlvTagLayout[]");
        foreach (var m in t.Members)
            w.Line("new TlvTagLayout(" + Names.Hex(m.Value) + ", " + L(m.Name) + ", " + L(m.ValueStruct) + ", " + L(RuleText(m.Length)) + ", " + L(m.Since) + ", " + L(m.Doc) + Names.ProposalArgument(m.Proposal) + "),");
        w.Close(");");
        w.Line();
        w.Open("public static bool IsKnown(" + t.TypeName + " tag)");
        w.Open("switch (tag)");
        foreach (var m in t.Members) w.Line("case " + t.TypeName + "." + Names.Id(m.Name) + ":");
        if (t.Members.Count > 0) w.Line("    return true;");
        w.Line("default:");
        w.Line("    return false;");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>Whether <paramref name=\"length\"/> obeys the spec's length rule for <paramref name=\"tag\"/> (false for unknown tags).</summary>");
        w.Open("public static bool IsValidLength(" + t.TypeName + " tag, int length" + plist + ")");
        w.Open("switch (tag)");
        foreach (var m in t.Members) w.Line("case " + t.TypeName + "." + Names.Id(m.Name) + ": return " + RuleCode(m.Length, ex) + ";");
        w.Line("default: return false;");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>Writes a header and <paramref name=\"value\"/>; returns the bytes written.</summary>");
        w.Line("/// <exception cref=\"ArgumentException\">The record does not fit, or the value is longer than the length field holds.</exception>");
        w.Open("public static int Write(Span<byte> destination, " + t.TypeName + " tag, ReadOnlySpan<byte> value)");
        w.Line("if (value.Length > " + Names.Int((int)System.Math.Min(maxLength, int.MaxValue)) + ") throw new ArgumentException(\"value too long for the length field\", nameof(value));");
        w.Line("if (destination.Length < " + Names.Int(headerSize) + " + value.Length) throw new ArgumentException(\"record does not fit\", nameof(destination));");
        w.Line("WriteHeader(destination, tag, value.Length);");
        w.Line("value.CopyTo(destination.Slice(" + Names.Int(headerSize) + "));");
        w.Line("return " + Names.Int(headerSize) + " + value.Length;");
        w.Close();
        w.Line();
        w.Line("/// <summary>Writes only the header (the value is written by the caller, e.g. through a generated writer).</summary>");
        w.Open("public static void WriteHeader(Span<byte> destination, " + t.TypeName + " tag, int length)");
        w.Line("if (destination.Length < " + Names.Int(headerSize) + ") throw new ArgumentException(\"header does not fit\", nameof(destination));");
        w.Line("destination.Slice(0, " + Names.Int(headerSize) + ").Clear();");
        w.Line(Names.Write(tag.Type.Scalar, tagEndian, "destination", Names.Int(tag.Offset), "(" + tagType + ")tag") + ";");
        w.Line(Names.Write(len.Type.Scalar, lenEndian, "destination", Names.Int(len.Offset), "(" + lenType + ")length") + ";");
        w.Close();
        w.Close();
        w.Close();
        return w.ToString();
    }

    private static string RuleCode(LengthRule rule, ExprEmitter ex) => rule.Kind switch
    {
        LengthRuleKind.Any => "true",
        LengthRuleKind.Equal => "length == " + ex.Emit(rule.Min!),
        LengthRuleKind.AtLeast => "length >= " + ex.Emit(rule.Min!),
        _ => "length >= " + ex.Emit(rule.Min!) + " && length <= " + ex.Emit(rule.Max!),
    };

    public static string RuleText(LengthRule rule) => rule.Kind switch
    {
        LengthRuleKind.Any => "any",
        LengthRuleKind.Equal => "== " + rule.Min,
        LengthRuleKind.AtLeast => ">= " + rule.Min,
        _ => rule.Min + " .. " + rule.Max,
    };
}
