using System.Collections.Generic;
using System.Linq;
using Ext4Codec.Generator.Model;

namespace Ext4Codec.Generator.Emitting;

/// <summary>
/// Emits one structure: a <c>readonly ref struct …View</c> over <c>ReadOnlySpan&lt;byte&gt;</c> (length checked once
/// in the constructor, so in-range fields read without further checks), a <c>…Writer</c> over <c>Span&lt;byte&gt;</c>,
/// and <c>…Layout</c> metadata.
/// </summary>
public sealed partial class StructEmitter
{
    private readonly StructSpec _s;
    private readonly CodegenUnit _unit;
    private readonly Dictionary<string, int> _sizes;
    private readonly Dictionary<string, StructSpec> _structs;
    private readonly Dictionary<string, FieldSpec> _fields;
    private readonly ExprEmitter _expr;

    public StructEmitter(StructSpec s, CodegenUnit unit)
    {
        _s = s;
        _unit = unit;
        _sizes = LayoutMath.SizeMap(unit.Sizes);
        _structs = unit.Structs.ToDictionary(x => x.SpecName);
        _fields = s.Fields.ToDictionary(f => f.Name);
        _expr = Scope(System.Array.Empty<ParamSpec>());
    }

    /// <summary>
    /// Names an expression may use: <c>size</c>, the structure's params (as view fields), fields and combines, and
    /// <paramref name="methodParams"/> (a checksum's own parameters, as method arguments).
    /// </summary>
    private ExprEmitter Scope(IEnumerable<ParamSpec> methodParams)
    {
        var names = new Dictionary<string, string> { ["size"] = "_data.Length" };
        var flagTypes = new Dictionary<string, string>();
        foreach (var p in _s.Params)
        {
            names[p.Name] = ParamField(p);
            if (p.FlagsType.Length > 0) flagTypes[p.Name] = p.FlagsType;
        }
        foreach (var f in _s.Fields)
        {
            names[f.Name] = Names.Id(f.Name);
            if (f.FlagsType.Length > 0) flagTypes[f.Name] = f.FlagsType;
        }
        foreach (var c in _s.Combines) names[c.Name] = Names.Id(c.Name);
        foreach (var p in methodParams)
        {
            names[p.Name] = Names.Id(p.Name);
            if (p.FlagsType.Length > 0) flagTypes[p.Name] = p.FlagsType;
        }
        return new ExprEmitter(names, flagTypes);
    }

    public string View => _s.TypeName + "View";

    public string Writer => _s.TypeName + "Writer";

    private static string ParamField(ParamSpec p) => "_" + p.Name;

    private string ParamType(ParamSpec p) => p.Type.Kind == FieldKind.Uuid ? "ReadOnlySpan<byte>" : p.FlagsType.Length > 0 ? p.FlagsType : Names.Clr(p.Type.Scalar);

    private string ParamList(IEnumerable<ParamSpec> ps) => string.Join(", ", ps.Select(p => ParamType(p) + " " + Names.Id(p.Name)));

    private static string ArgList(IEnumerable<ParamSpec> ps) => string.Join(", ", ps.Select(p => Names.Id(p.Name)));

    private string CtorParams(string dataType) => dataType + " data" + string.Concat(_s.Params.Select(p => ", " + ParamType(p) + " " + Names.Id(p.Name)));

    private Endian EndianOf(FieldSpec f) => f.Endian ?? _s.Endian;

    private int Width(FieldSpec f) => LayoutMath.Width(f.Type, _sizes);

    /// <summary>True when the constructor's length check already guarantees the field lies inside the data.</summary>
    private bool AlwaysInside(FieldSpec f) => f.FromEnd ? f.Offset <= _s.MinSize : f.Offset + Width(f) <= _s.MinSize;

    private bool HasPresence(FieldSpec f) => f.When is not null || (!AlwaysInside(f) && f.Type.Kind != FieldKind.Flexible);

    /// <summary>C# expression for the first byte of the field.</summary>
    private string Start(FieldSpec f) => f.FromEnd ? "(_data.Length - " + Names.Int(f.Offset) + ")" : Names.Int(f.Offset);

    /// <summary>C# condition: the field's bytes lie inside the data.</summary>
    private string Inside(FieldSpec f) => f.FromEnd ? "_data.Length >= " + Names.Int(f.Offset) : "_data.Length >= " + Names.Int(f.Offset + Width(f));

    private string Presence(FieldSpec f)
    {
        var parts = new List<string>();
        if (!AlwaysInside(f)) parts.Add(Inside(f));
        if (f.When is not null) parts.Add(_expr.Emit(f.When));
        return parts.Count == 0 ? "true" : string.Join(" && ", parts);
    }

    private string TypedScalar(FieldSpec f) => f.FlagsType.Length > 0 ? f.FlagsType : f.EnumType.Length > 0 ? f.EnumType : Names.Clr(f.Type.Scalar);

    public string Emit()
    {
        var w = new SourceWriter();
        w.Line(SupportEmitter.Header.TrimEnd('\n'));
        w.Open("namespace " + _unit.Namespace);
        w.Line("using System;");
        w.Line("using System.Buffers.Binary;");
        w.Line();
        EmitView(w);
        w.Line();
        EmitWriter(w);
        w.Line();
        EmitLayout(w);
        w.Close();
        return w.ToString();
    }

    private void EmitView(SourceWriter w)
    {
        w.Doc(_s.Doc.Length > 0 ? _s.Doc : _s.SpecName);
        w.Line("/// <remarks>Reads <c>" + _s.SpecName + "</c> in place (" + Names.Int(_s.Size) + " bytes" + (_s.MinSize != _s.Size ? ", at least " + Names.Int(_s.MinSize) : "") + ", " + (_s.Endian == Endian.Big ? "big" : "little") + "-endian). Field names are the spec's.</remarks>");
        w.Open("public readonly ref partial struct " + View);
        w.Line("/// <summary>Bytes of the fixed layout.</summary>");
        w.Line("public const int Size = " + Names.Int(_s.Size) + ";");
        w.Line("/// <summary>Fewest bytes the view accepts.</summary>");
        w.Line("public const int MinSize = " + Names.Int(_s.MinSize) + ";");
        w.Line("private readonly ReadOnlySpan<byte> _data;");
        foreach (var p in _s.Params) w.Line("private readonly " + ParamType(p) + " " + ParamField(p) + ";");
        w.Line();
        w.Line("/// <exception cref=\"CorruptDataException\">The data is shorter than <see cref=\"MinSize\"/>.</exception>");
        w.Open("public " + View + "(" + CtorParams("ReadOnlySpan<byte>") + ")");
        w.Line("if (data.Length < MinSize) CodecThrow.TooShort(" + SourceWriter.Literal(_s.SpecName) + ", MinSize, data.Length);");
        w.Line("_data = data;");
        foreach (var p in _s.Params) w.Line(ParamField(p) + " = " + Names.Id(p.Name) + ";");
        w.Close();
        w.Line();
        w.Line("/// <summary>Creates the view, or says why it cannot.</summary>");
        w.Open("public static bool TryCreate(" + CtorParams("ReadOnlySpan<byte>") + ", out " + View + " view, out Corruption error)");
        w.Open("if (data.Length < MinSize)");
        w.Line("view = default;");
        w.Line("error = CodecThrow.TooShortError(" + SourceWriter.Literal(_s.SpecName) + ", MinSize, data.Length);");
        w.Line("return false;");
        w.Close();
        w.Line("view = new " + View + "(data" + string.Concat(_s.Params.Select(p => ", " + Names.Id(p.Name))) + ");");
        w.Line("error = default;");
        w.Line("return true;");
        w.Close();
        w.Line();
        w.Line("/// <summary>The bytes this view reads.</summary>");
        w.Line("public ReadOnlySpan<byte> Data => _data;");
        w.Line();
        w.Line("public int Length => _data.Length;");
        foreach (var f in _s.Fields) EmitViewField(w, f);
        foreach (var c in _s.Combines) EmitViewCombine(w, c);
        EmitIsPresent(w);
        EmitCopyTo(w);
        EmitCombined(w);
        EmitValidate(w);
        foreach (var k in _s.Checksums) EmitChecksum(w, k);
        w.Close();
    }

    private void EmitViewField(SourceWriter w, FieldSpec f)
    {
        w.Line();
        string id = Names.Id(f.Name);
        string doc = f.Doc + (f.Since.Length > 0 ? " (since " + f.Since + ")" : "") + (f.When is not null ? " Counts when " + f.When + "." : "");
        bool inside = AlwaysInside(f);
        string at = Start(f);
        switch (f.Type.Kind)
        {
            case FieldKind.Scalar:
            {
                string type = TypedScalar(f);
                string read = Names.Read(f.Type.Scalar, EndianOf(f), "_data", at);
                if (type != Names.Clr(f.Type.Scalar)) read = "(" + type + ")" + read;
                w.Doc(doc);
                w.Line("public " + type + " " + id + " => " + (inside ? read : Inside(f) + " ? " + read + " : default(" + type + ")") + ";");
                break;
            }
            case FieldKind.ScalarArray:
            {
                int ew = LayoutMath.Width(f.Type.Scalar);
                w.Line("/// <summary>Elements in <see cref=\"" + id + "\"/>.</summary>");
                w.Line("public const int " + f.Name + "_Count = " + Names.Int(f.Type.Count) + ";");
                w.Doc(doc);
                w.Open("public " + Names.Clr(f.Type.Scalar) + " " + id + "(int index)");
                w.Line("if ((uint)index >= " + Names.Int(f.Type.Count) + ") CodecThrow.Index(" + SourceWriter.Literal(f.Name) + ", index, " + Names.Int(f.Type.Count) + ");");
                if (!inside) w.Line("if (!(" + Inside(f) + ")) return 0;");
                w.Line("return " + Names.Read(f.Type.Scalar, EndianOf(f), "_data", at + " + index * " + Names.Int(ew)) + ";");
                w.Close();
                break;
            }
            case FieldKind.Bytes:
            case FieldKind.Chars:
            case FieldKind.Uuid:
            {
                string slice = "_data.Slice(" + at + ", " + Names.Int(Width(f)) + ")";
                w.Doc(doc);
                w.Line("public ReadOnlySpan<byte> " + id + " => " + (inside ? slice : Inside(f) + " ? " + slice + " : default(ReadOnlySpan<byte>)") + ";");
                break;
            }
            case FieldKind.Flexible:
                w.Doc(doc + " (the rest of the data)");
                w.Line("public ReadOnlySpan<byte> " + id + " => _data.Length > " + at + " ? _data.Slice(" + at + ") : default(ReadOnlySpan<byte>);");
                break;
            case FieldKind.Struct:
            {
                var nested = _structs[f.Type.StructName];
                string ctor = "new " + nested.TypeName + "View(_data.Slice(" + at + ", " + Names.Int(nested.Size) + "))";
                w.Doc(doc);
                w.Line("public " + nested.TypeName + "View " + id + " => " + (inside ? ctor : Inside(f) + " ? " + ctor + " : default(" + nested.TypeName + "View)") + ";");
                break;
            }
            case FieldKind.StructArray:
            {
                var nested = _structs[f.Type.StructName];
                w.Line("/// <summary>Elements in <see cref=\"" + id + "\"/>.</summary>");
                w.Line("public const int " + f.Name + "_Count = " + Names.Int(f.Type.Count) + ";");
                w.Doc(doc);
                w.Open("public " + nested.TypeName + "View " + id + "(int index)");
                w.Line("if ((uint)index >= " + Names.Int(f.Type.Count) + ") CodecThrow.Index(" + SourceWriter.Literal(f.Name) + ", index, " + Names.Int(f.Type.Count) + ");");
                if (!inside) w.Line("if (!(" + Inside(f) + ")) CodecThrow.Outside(" + SourceWriter.Literal(_s.SpecName) + ", " + SourceWriter.Literal(f.Name) + ", " + Names.Int(f.Offset + Width(f)) + ", _data.Length);");
                w.Line("return new " + nested.TypeName + "View(_data.Slice(" + at + " + index * " + Names.Int(nested.Size) + ", " + Names.Int(nested.Size) + "));");
                w.Close();
                break;
            }
        }
        if (HasPresence(f))
        {
            w.Line("/// <summary>Whether <see cref=\"" + id + "\"/> exists here: " + SourceWriter.Escape(f.When is not null ? f.When.ToString() : "the data is long enough") + ".</summary>");
            w.Line("public bool Has_" + f.Name + " => " + Presence(f) + ";");
        }
    }

    private string CombineType(CombineSpec c) => Width(_fields[c.Lo]) + Width(_fields[c.Hi]) <= 4 ? "uint" : "ulong";

    /// <summary>Condition under which the high half counts: the combine's own and the high field's presence.</summary>
    private string HighCondition(CombineSpec c)
    {
        var parts = new List<string>();
        if (c.When is not null) parts.Add(_expr.Emit(c.When));
        if (HasPresence(_fields[c.Hi])) parts.Add("Has_" + c.Hi);
        return parts.Count == 0 ? "true" : string.Join(" && ", parts);
    }

    private void EmitViewCombine(SourceWriter w, CombineSpec c)
    {
        w.Line();
        string type = CombineType(c);
        int shift = Width(_fields[c.Lo]) * 8;
        w.Doc((c.Doc.Length > 0 ? c.Doc : c.Name) + " (" + c.Lo + " | " + c.Hi + " << " + Names.Int(shift) + (c.When is not null ? ", the high part when " + c.When : "") + ")");
        w.Line("public " + type + " " + Names.Id(c.Name) + " => (" + type + ")" + Names.Id(c.Lo) + " | (HasHigh_" + c.Name + " ? (" + type + ")" + Names.Id(c.Hi) + " << " + Names.Int(shift) + " : 0);");
        w.Line("/// <summary>Whether the high part of <see cref=\"" + Names.Id(c.Name) + "\"/> counts.</summary>");
        w.Line("public bool HasHigh_" + c.Name + " => " + HighCondition(c) + ";");
    }

    private void EmitIsPresent(SourceWriter w)
    {
        w.Line();
        w.Line("/// <summary>Whether field <paramref name=\"fieldIndex\"/> (an index into the layout's fields) exists in this data.</summary>");
        w.Open("public bool IsPresent(int fieldIndex)");
        w.Open("switch (fieldIndex)");
        for (int i = 0; i < _s.Fields.Count; i++)
        {
            var f = _s.Fields[i];
            w.Line("case " + Names.Int(i) + ": return " + (HasPresence(f) ? "Has_" + f.Name : "true") + ";");
        }
        w.Line("default: return false;");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>Writes <see cref=\"IsPresent\"/> of every field into <paramref name=\"present\"/> (at least as long as the layout's fields).</summary>");
        w.Open("public void FillPresence(Span<bool> present)");
        w.Line("for (int i = 0; i < " + Names.Int(_s.Fields.Count) + "; i++) present[i] = IsPresent(i);");
        w.Close();
    }

    /// <summary>Field-by-field copy through the writer's setters: a round trip exercises every generated accessor.</summary>
    private void EmitCopyTo(SourceWriter w)
    {
        w.Line();
        w.Line("/// <summary>Copies every field that lies inside this data into <paramref name=\"target\"/>, one setter at a time.</summary>");
        w.Open("public void CopyTo(" + Writer + " target)");
        foreach (var f in _s.Fields)
        {
            string id = Names.Id(f.Name);
            string guard = AlwaysInside(f) || f.Type.Kind == FieldKind.Flexible ? "" : "if (" + Inside(f) + ") ";
            switch (f.Type.Kind)
            {
                case FieldKind.Scalar:
                    w.Line(guard + "target." + id + " = " + id + ";");
                    break;
                case FieldKind.ScalarArray:
                    w.Line(guard + "for (int i = 0; i < " + Names.Int(f.Type.Count) + "; i++) target.Set_" + f.Name + "(i, " + id + "(i));");
                    break;
                case FieldKind.Struct:
                    w.Line(guard + id + ".CopyTo(target." + id + ");");
                    break;
                case FieldKind.StructArray:
                    w.Line(guard + "for (int i = 0; i < " + Names.Int(f.Type.Count) + "; i++) " + id + "(i).CopyTo(target." + id + "(i));");
                    break;
                default:
                    w.Line(guard + id + ".CopyTo(target." + id + ");");
                    break;
            }
        }
        w.Close();
    }

    private void EmitCombined(SourceWriter w)
    {
        if (_s.Combines.Count == 0) return;
        w.Line();
        w.Line("/// <summary>Combined value <paramref name=\"combineIndex\"/> (an index into the layout's combines), for tools that walk layouts.</summary>");
        w.Open("public ulong Combined(int combineIndex)");
        w.Open("switch (combineIndex)");
        for (int i = 0; i < _s.Combines.Count; i++) w.Line("case " + Names.Int(i) + ": return " + Names.Id(_s.Combines[i].Name) + ";");
        w.Line("default: throw new ArgumentOutOfRangeException(nameof(combineIndex));");
        w.Close();
        w.Close();
        w.Line();
        w.Line("/// <summary>Writes every combined value into <paramref name=\"values\"/> (at least as long as the layout's combines).</summary>");
        w.Open("public void FillCombined(Span<ulong> values)");
        w.Line("for (int i = 0; i < " + Names.Int(_s.Combines.Count) + "; i++) values[i] = Combined(i);");
        w.Close();
    }

    private void EmitValidate(SourceWriter w)
    {
        w.Line();
        w.Line("/// <summary>Checks the spec's constraints (magic numbers, checks, reserved fields) in declaration order.</summary>");
        w.Open("public bool TryValidate(out Corruption error)");
        string spec = SourceWriter.Literal(_s.SpecName);
        foreach (var k in _s.Constraints)
        {
            switch (k.Kind)
            {
                case ConstraintKind.Magic:
                {
                    var f = _fields[k.Field];
                    w.Open("if ((ulong)" + Names.Id(f.Name) + " != " + Names.Hex(k.Value) + "UL)");
                    w.Line("error = new Corruption(" + spec + ", " + SourceWriter.Literal(f.Name) + ", " + Start(f) + ", \"bad magic 0x\" + ((ulong)" + Names.Id(f.Name) + ").ToString(\"X\", System.Globalization.CultureInfo.InvariantCulture) + \", expected " + Names.Hex(k.Value) + "\");");
                    w.Line("return false;");
                    w.Close();
                    break;
                }
                case ConstraintKind.Check:
                {
                    var blamed = FirstField(k.Condition!);
                    w.Open("if (!(" + _expr.Emit(k.Condition!) + "))");
                    w.Line("error = new Corruption(" + spec + ", " + SourceWriter.Literal(blamed?.Name ?? "") + ", " + (blamed is null ? "0" : Start(blamed)) + ", " + SourceWriter.Literal(k.Message) + ");");
                    w.Line("return false;");
                    w.Close();
                    break;
                }
                case ConstraintKind.Reserved:
                {
                    var f = _fields[k.Field];
                    string span = "_data.Slice(" + Start(f) + ", " + Names.Int(Width(f)) + ")";
                    w.Open(AlwaysInside(f) ? "" : "if (" + Inside(f) + ")");
                    w.Line("int nonZero = CodecBytes.FirstNonZero(" + span + ");");
                    w.Open("if (nonZero >= 0)");
                    w.Line("error = new Corruption(" + spec + ", " + SourceWriter.Literal(f.Name) + ", " + Start(f) + " + nonZero, \"reserved bytes are not zero\");");
                    w.Line("return false;");
                    w.Close();
                    w.Close();
                    break;
                }
            }
        }
        w.Line("error = default;");
        w.Line("return true;");
        w.Close();
        w.Line();
        w.Line("/// <exception cref=\"CorruptDataException\">A constraint does not hold.</exception>");
        w.Open("public void Validate()");
        w.Line("if (!TryValidate(out var error)) throw error.ToException();");
        w.Close();
    }

    private FieldSpec? FirstField(Expr e)
    {
        if (e.Kind is ExprKind.Name or ExprKind.Has && _fields.TryGetValue(e.Name, out var f)) return f;
        foreach (var a in e.Args)
        {
            var found = FirstField(a);
            if (found is not null) return found;
        }
        return null;
    }
}
