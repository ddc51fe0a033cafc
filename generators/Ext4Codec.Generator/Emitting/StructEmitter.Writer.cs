using System.Linq;
using Ext4Codec.Generator.Model;

namespace Ext4Codec.Generator.Emitting;

public sealed partial class StructEmitter
{
    private void EmitWriter(SourceWriter w)
    {
        w.Line("/// <summary>Writes <c>" + _s.SpecName + "</c> in place; getters read through <see cref=\"" + View + "\"/>.</summary>");
        w.Open("public readonly ref partial struct " + Writer);
        w.Line("private readonly Span<byte> _data;");
        foreach (var p in _s.Params) w.Line("private readonly " + ParamType(p) + " " + ParamField(p) + ";");
        w.Line();
        w.Line("/// <exception cref=\"CorruptDataException\">The data is shorter than <see cref=\"" + View + ".MinSize\"/>.</exception>");
        w.Open("public " + Writer + "(" + CtorParams("Span<byte>") + ")");
        w.Line("if (data.Length < " + View + ".MinSize) CodecThrow.TooShort(" + SourceWriter.Literal(_s.SpecName) + ", " + View + ".MinSize, data.Length);");
        w.Line("_data = data;");
        foreach (var p in _s.Params) w.Line(ParamField(p) + " = " + Names.Id(p.Name) + ";");
        w.Close();
        w.Line();
        w.Line("public Span<byte> Data => _data;");
        w.Line();
        w.Line("public " + View + " AsView() => new " + View + "(_data" + string.Concat(_s.Params.Select(p => ", " + ParamField(p))) + ");");
        foreach (var f in _s.Fields) EmitWriterField(w, f);
        foreach (var c in _s.Combines) EmitWriterCombine(w, c);
        foreach (var k in _s.Checksums) EmitReseal(w, k);
        w.Close();
    }

    private string GuardOutside(FieldSpec f)
        => AlwaysInside(f) ? "" : "if (!(" + Inside(f) + ")) CodecThrow.Outside(" + SourceWriter.Literal(_s.SpecName) + ", " + SourceWriter.Literal(f.Name) + ", " + Names.Int(f.Offset + Width(f)) + ", _data.Length); ";

    private void EmitWriterField(SourceWriter w, FieldSpec f)
    {
        w.Line();
        string id = Names.Id(f.Name);
        string at = Start(f);
        switch (f.Type.Kind)
        {
            case FieldKind.Scalar:
            {
                string type = TypedScalar(f);
                string raw = Names.Clr(f.Type.Scalar);
                string value = type != raw ? "(" + raw + ")value" : "value";
                w.Doc(f.Doc);
                w.Open("public " + type + " " + id);
                w.Line("get => AsView()." + id + ";");
                w.Line("set { " + GuardOutside(f) + Names.Write(f.Type.Scalar, EndianOf(f), "_data", at, value) + "; }");
                w.Close();
                break;
            }
            case FieldKind.ScalarArray:
            {
                int ew = LayoutMath.Width(f.Type.Scalar);
                w.Doc(f.Doc);
                w.Open("public void Set_" + f.Name + "(int index, " + Names.Clr(f.Type.Scalar) + " value)");
                w.Line("if ((uint)index >= " + Names.Int(f.Type.Count) + ") CodecThrow.Index(" + SourceWriter.Literal(f.Name) + ", index, " + Names.Int(f.Type.Count) + ");");
                if (!AlwaysInside(f)) w.Line(GuardOutside(f).TrimEnd());
                w.Line(Names.Write(f.Type.Scalar, EndianOf(f), "_data", at + " + index * " + Names.Int(ew), "value") + ";");
                w.Close();
                break;
            }
            case FieldKind.Bytes:
            case FieldKind.Chars:
            case FieldKind.Uuid:
            {
                string slice = "_data.Slice(" + at + ", " + Names.Int(Width(f)) + ")";
                w.Doc(f.Doc);
                w.Line("public Span<byte> " + id + " => " + (AlwaysInside(f) ? slice : Inside(f) + " ? " + slice + " : default(Span<byte>)") + ";");
                break;
            }
            case FieldKind.Flexible:
                w.Doc(f.Doc);
                w.Line("public Span<byte> " + id + " => _data.Length > " + at + " ? _data.Slice(" + at + ") : default(Span<byte>);");
                break;
            case FieldKind.Struct:
            {
                var nested = _structs[f.Type.StructName];
                w.Doc(f.Doc);
                w.Open("public " + nested.TypeName + "Writer " + id);
                w.Line("get { " + GuardOutside(f) + "return new " + nested.TypeName + "Writer(_data.Slice(" + at + ", " + Names.Int(nested.Size) + ")); }");
                w.Close();
                break;
            }
            case FieldKind.StructArray:
            {
                var nested = _structs[f.Type.StructName];
                w.Doc(f.Doc);
                w.Open("public " + nested.TypeName + "Writer " + id + "(int index)");
                w.Line("if ((uint)index >= " + Names.Int(f.Type.Count) + ") CodecThrow.Index(" + SourceWriter.Literal(f.Name) + ", index, " + Names.Int(f.Type.Count) + ");");
                if (!AlwaysInside(f)) w.Line(GuardOutside(f).TrimEnd());
                w.Line("return new " + nested.TypeName + "Writer(_data.Slice(" + at + " + index * " + Names.Int(nested.Size) + ", " + Names.Int(nested.Size) + "));");
                w.Close();
                break;
            }
        }
    }

    private void EmitWriterCombine(SourceWriter w, CombineSpec c)
    {
        w.Line();
        string type = CombineType(c);
        var lo = _fields[c.Lo];
        var hi = _fields[c.Hi];
        int shift = Width(lo) * 8;
        w.Line("/// <summary>Sets <c>" + c.Lo + "</c> and, when the high part counts, <c>" + c.Hi + "</c>.</summary>");
        w.Line("/// <exception cref=\"ArgumentOutOfRangeException\">The value needs a high part that does not count here.</exception>");
        w.Open("public " + type + " " + Names.Id(c.Name));
        w.Line("get => AsView()." + Names.Id(c.Name) + ";");
        w.Open("set");
        w.Line("bool high = AsView().HasHigh_" + c.Name + ";");
        w.Line("if (!high && (value >> " + Names.Int(shift) + ") != 0) CodecThrow.DoesNotFit(" + SourceWriter.Literal(c.Name) + ", value);");
        w.Line(Names.Id(lo.Name) + " = (" + Names.Clr(lo.Type.Scalar) + ")value;");
        w.Line("if (high) " + Names.Id(hi.Name) + " = (" + Names.Clr(hi.Type.Scalar) + ")(value >> " + Names.Int(shift) + ");");
        w.Close();
        w.Close();
    }

    private void EmitReseal(SourceWriter w, ChecksumSpec k)
    {
        string stem = Names.Pascal(k.Name);
        string args = ArgList(k.Params);
        w.Line();
        w.Line("/// <summary>Recomputes checksum <c>" + k.Name + "</c> and stores it.</summary>");
        w.Line("/// <exception cref=\"CorruptDataException\">The covered bytes or the store location are not in the data.</exception>");
        w.Open("public void Reseal" + stem + "(" + ParamList(k.Params) + ")");
        w.Line("var value = AsView().Compute" + stem + "(" + args + ");");
        if (k.Store.At is not null)
        {
            int width = LayoutMath.Width(k.Store.Scalar);
            w.Line("long at = AsView()." + stem + "Offset;");
            w.Line("if (at < 0 || at + " + Names.Int(width) + " > _data.Length) throw new Corruption(" + SourceWriter.Literal(_s.SpecName) + ", \"\", at, \"checksum " + k.Name + " is stored outside the data\").ToException();");
            w.Line(Names.Write(k.Store.Scalar, k.Store.Endian, "_data", "(int)at", "(" + Names.Clr(k.Store.Scalar) + ")value") + ";");
        }
        else if (_fields.TryGetValue(k.Store.Field, out var f))
        {
            string type = TypedScalar(f);
            w.Line(Names.Id(f.Name) + " = (" + type + ")value;");
        }
        else
        {
            var c = _s.Combines.First(x => x.Name == k.Store.Field);
            var lo = _fields[c.Lo];
            var hi = _fields[c.Hi];
            int shift = Width(lo) * 8;
            w.Line(Names.Id(lo.Name) + " = (" + Names.Clr(lo.Type.Scalar) + ")value;");
            w.Line("if (AsView().HasHigh_" + c.Name + ") " + Names.Id(hi.Name) + " = (" + Names.Clr(hi.Type.Scalar) + ")(value >> " + Names.Int(shift) + ");");
        }
        w.Close();
    }
}
