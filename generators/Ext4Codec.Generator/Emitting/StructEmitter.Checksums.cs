using System.Collections.Generic;
using System.Linq;
using Ext4Codec.Generator.Model;

namespace Ext4Codec.Generator.Emitting;

public sealed partial class StructEmitter
{
    private static string CrcType(ChecksumSpec k) => k.Algorithm == ChecksumAlgorithm.Crc16 ? "ushort" : "uint";

    private static string CrcClass(ChecksumSpec k) => k.Algorithm switch
    {
        ChecksumAlgorithm.Crc16 => "Crc16",
        ChecksumAlgorithm.Crc32 => "Crc32",
        _ => "Crc32C",
    };

    private void EmitChecksum(SourceWriter w, ChecksumSpec k)
    {
        string stem = Names.Pascal(k.Name);
        string type = CrcType(k);
        string crc = CrcClass(k);
        var ex = Scope(k.Params);
        string plist = ParamList(k.Params);
        string args = ArgList(k.Params);
        string spec = SourceWriter.Literal(_s.SpecName);
        string sep = k.Params.Count > 0 ? ", " : "";

        w.Line();
        w.Line("/// <summary>Computes checksum <c>" + k.Name + "</c> (" + k.Algorithm.ToString().ToLowerInvariant() + ")" + (k.Doc.Length > 0 ? ": " + SourceWriter.Escape(k.Doc) : "") + ", or says why the covered bytes are not in the data.</summary>");
        w.Open("public bool TryCompute" + stem + "(" + plist + sep + "out " + type + " value, out Corruption error)");
        foreach (var step in k.Steps)
        {
            switch (step.Kind)
            {
                case StepKind.Seed:
                    w.Line(type + " crc = (" + type + ")(" + ex.Emit(step.From!) + ");");
                    break;
                case StepKind.Value:
                {
                    int width = LayoutMath.Width(step.Scalar);
                    string value = "(ulong)(" + Names.Clr(step.Scalar) + ")(" + ex.Emit(step.From!) + ")";
                    string big = step.Endian == Endian.Big ? "true" : "false";
                    w.Line("crc = " + crc + ".AppendInteger(crc, " + value + ", " + Names.Int(width) + ", " + big + ");");
                    break;
                }
                case StepKind.Bytes:
                    w.Line("crc = " + crc + ".Append(crc, " + Names.Id(step.Name) + ");");
                    break;
                case StepKind.Zeros:
                    w.Line("crc = " + crc + ".AppendZeros(crc, " + Names.Int(step.Count) + ");");
                    break;
                case StepKind.XorOut:
                    w.Line("crc ^= (" + type + ")(" + ex.Emit(step.From!) + ");");
                    break;
                case StepKind.Data:
                    EmitDataStep(w, k, step, ex, crc, spec);
                    break;
            }
        }
        w.Line("value = crc;");
        w.Line("error = default;");
        w.Line("return true;");
        w.Close();

        w.Line();
        w.Line("/// <exception cref=\"CorruptDataException\">The covered bytes are not all in the data.</exception>");
        w.Open("public " + type + " Compute" + stem + "(" + plist + ")");
        w.Line("if (!TryCompute" + stem + "(" + args + sep + "out " + type + " value, out Corruption error)) throw error.ToException();");
        w.Line("return value;");
        w.Close();

        w.Line();
        w.Line("/// <summary>Whether the stored <c>" + k.Name + "</c> equals the computed one (false when it cannot be computed).</summary>");
        w.Open("public bool Verify" + stem + "(" + plist + ")");
        w.Line("if (!TryCompute" + stem + "(" + args + sep + "out " + type + " value, out Corruption error)) return false;");
        EmitCompare(w, k);
        w.Close();

        if (k.Store.At is not null)
        {
            w.Line();
            w.Line("/// <summary>Where <c>" + k.Name + "</c> is stored: " + SourceWriter.Escape(k.Store.At.ToString()) + ".</summary>");
            w.Line("public long " + stem + "Offset => " + ex.Emit(k.Store.At) + ";");
        }

        w.Line();
        w.Line("/// <summary>The stored <c>" + k.Name + "</c> as the data holds it (0 when its location is outside the data).</summary>");
        w.Line("public ulong Stored" + stem + " => " + StoredExpr(k) + ";");

        w.Line();
        w.Line("/// <summary>Whether checksum <c>" + k.Name + "</c> is in use" + (k.When is not null ? ": " + SourceWriter.Escape(k.When.ToString()) : "") + (k.Feature.Length > 0 ? " (feature " + k.Feature + ")" : "") + ".</summary>");
        w.Line("public bool " + stem + "Applies => " + (k.When is not null ? ex.Emit(k.When) : "true") + ";");
    }

    private void EmitDataStep(SourceWriter w, ChecksumSpec k, ChecksumStep step, ExprEmitter ex, string crc, string spec)
    {
        w.Open("");
        w.Line("long from = " + ex.Emit(step.From!) + ";");
        w.Line("long to = " + ex.Emit(step.To!) + ";");
        w.Open("if (from < 0 || to < from || to > _data.Length)");
        w.Line("value = 0;");
        w.Line("error = new Corruption(" + spec + ", \"\", from, \"checksum " + k.Name + " covers bytes \" + from.ToString(System.Globalization.CultureInfo.InvariantCulture) + \"..\" + to.ToString(System.Globalization.CultureInfo.InvariantCulture) + \", outside the \" + _data.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + \"-byte data\");");
        w.Line("return false;");
        w.Close();
        w.Line("int pos = (int)from;");
        foreach (var hole in step.Holes.OrderBy(h => _fields[h.Field].Offset))
        {
            var f = _fields[hole.Field];
            int start = f.Offset;
            int end = f.Offset + Width(f);
            string cond = (HasPresence(f) ? "Has_" + f.Name + " && " : "") + Names.Int(start) + " >= pos && " + Names.Int(end) + " <= to";
            w.Open("if (" + cond + ")");
            w.Line("crc = " + crc + ".Append(crc, _data.Slice(pos, " + Names.Int(start) + " - pos));");
            if (!hole.Skip) w.Line("crc = " + crc + ".AppendZeros(crc, " + Names.Int(end - start) + ");");
            w.Line("pos = " + Names.Int(end) + ";");
            w.Close();
        }
        w.Line("crc = " + crc + ".Append(crc, _data.Slice(pos, (int)to - pos));");
        w.Close();
    }

    /// <summary>The stored value, read from its field, combine or computed location.</summary>
    private string StoredExpr(ChecksumSpec k)
    {
        if (k.Store.At is null)
        {
            if (_fields.TryGetValue(k.Store.Field, out var f)) return "(ulong)" + Names.Id(f.Name);
            return "(ulong)" + Names.Id(k.Store.Field);
        }
        int width = LayoutMath.Width(k.Store.Scalar);
        string at = Names.Pascal(k.Name) + "Offset";
        return "(" + at + " >= 0 && " + at + " + " + Names.Int(width) + " <= _data.Length) ? (ulong)" + Names.Read(k.Store.Scalar, k.Store.Endian, "_data", "(int)" + at) + " : 0UL";
    }

    /// <summary>Compares with the stored width: a 16-bit field keeps the low bits; a combine without its high part likewise.</summary>
    private void EmitCompare(SourceWriter w, ChecksumSpec k)
    {
        if (k.Store.At is not null)
        {
            int width = LayoutMath.Width(k.Store.Scalar);
            string at = Names.Pascal(k.Name) + "Offset";
            w.Line("if (" + at + " < 0 || " + at + " + " + Names.Int(width) + " > _data.Length) return false;");
            w.Line("return (" + Names.Clr(k.Store.Scalar) + ")value == " + Names.Read(k.Store.Scalar, k.Store.Endian, "_data", "(int)" + at) + ";");
            return;
        }
        if (_fields.TryGetValue(k.Store.Field, out var f))
        {
            w.Line("return (" + Names.Clr(f.Type.Scalar) + ")value == (" + Names.Clr(f.Type.Scalar) + ")" + Names.Id(f.Name) + ";");
            return;
        }
        var c = _s.Combines.First(x => x.Name == k.Store.Field);
        int lowBits = Width(_fields[c.Lo]) * 8;
        w.Line("ulong mask = HasHigh_" + c.Name + " ? ulong.MaxValue : (1UL << " + Names.Int(lowBits) + ") - 1;");
        w.Line("return ((ulong)value & mask) == ((ulong)" + Names.Id(c.Name) + " & mask);");
    }
}
