using System.Linq;
using Ext4Codec.Generator.Model;

namespace Ext4Codec.Generator.Emitting;

public sealed partial class StructEmitter
{
    private void EmitLayout(SourceWriter w)
    {
        string L(string s) => SourceWriter.Literal(s);
        w.Line("/// <summary>Layout metadata of <c>" + _s.SpecName + "</c> as its spec declares it.</summary>");
        w.Open("public static partial class " + _s.TypeName + "Layout");
        w.Line("public static readonly StructLayout Instance = new StructLayout(").Indent();
        w.Line(L(_s.SpecName) + ", " + L(_s.TypeName) + ", " + Names.Int(_s.Size) + ", " + Names.Int(_s.MinSize) + ", " + (_s.Endian == Endian.Big ? "true" : "false") + ", " + L(_s.Since) + ", " + L(_s.Doc) + ",");
        w.Open("new FieldLayout[]");
        foreach (var f in _s.Fields)
        {
            int element = f.Type.Kind switch
            {
                FieldKind.Scalar or FieldKind.ScalarArray => LayoutMath.Width(f.Type.Scalar),
                FieldKind.Struct or FieldKind.StructArray => _sizes[f.Type.StructName],
                _ => 1,
            };
            w.Line("new FieldLayout(" + L(f.Name) + ", " + Names.Int(f.Offset) + ", " + (f.FromEnd ? "true" : "false") + ", " + Names.Int(Width(f)) + ", FieldKind." + f.Type.Kind
                + ", " + Names.Int(element) + ", " + (LayoutMath.IsSigned(f.Type.Scalar) && f.Type.Kind is Model.FieldKind.Scalar or Model.FieldKind.ScalarArray ? "true" : "false")
                + ", " + Names.Int(f.Type.Kind == FieldKind.Flexible ? 0 : f.Type.Count) + ", " + (EndianOf(f) == Endian.Big ? "true" : "false") + ", " + L(f.Type.StructName)
                + ", " + L(f.FlagsType) + ", " + L(f.EnumType) + ", " + L(f.When?.ToString() ?? "") + ", " + L(f.Since) + ", " + L(f.Doc) + Names.ProposalArgument(f.Proposal) + "),");
        }
        w.Close(",");
        w.Open("new CombineLayout[]");
        foreach (var c in _s.Combines) w.Line("new CombineLayout(" + L(c.Name) + ", " + L(c.Lo) + ", " + L(c.Hi) + ", " + L(c.When?.ToString() ?? "") + ", " + L(c.Doc) + "),");
        w.Close(",");
        w.Open("new ChecksumLayout[]");
        foreach (var k in _s.Checksums)
        {
            string store = k.Store.At is null ? k.Store.Field : (k.Store.Endian == Endian.Big ? "be" : "le") + Names.Int(LayoutMath.Width(k.Store.Scalar) * 8) + " at " + k.Store.At;
            string steps = string.Join(", ", k.Steps.Select(StepText).Select(L));
            w.Line("new ChecksumLayout(" + L(k.Name) + ", " + L(k.Algorithm.ToString().ToLowerInvariant()) + ", " + L(store) + ", " + L(k.When?.ToString() ?? "") + ", " + L(k.Feature) + ", new string[] { " + steps + " }, " + L(k.Doc) + "),");
        }
        w.Close(",");
        w.Open("new ConstraintLayout[]");
        foreach (var c in _s.Constraints)
        {
            string text = c.Kind switch
            {
                ConstraintKind.Magic => Names.Hex(c.Value),
                ConstraintKind.Check => c.Condition + ": " + c.Message,
                ConstraintKind.Feature => c.Message,
                _ => "must be zero",
            };
            w.Line("new ConstraintLayout(" + L(c.Kind.ToString().ToLowerInvariant()) + ", " + L(c.Field) + ", " + L(text) + "),");
        }
        w.Close(",");
        w.Line("new string[] { " + string.Join(", ", _s.Params.Select(p => L((p.FlagsType.Length > 0 ? p.FlagsType : Names.Clr(p.Type.Scalar)) + " " + p.Name))) + " });").Outdent();
        w.Line();
        w.Line("/// <summary>Byte offsets of the fixed-offset fields.</summary>");
        w.Open("public static class Offsets");
        foreach (var f in _s.Fields.Where(f => !f.FromEnd)) w.Line("public const int " + Names.Id(f.Name) + " = " + Names.Hex((ulong)f.Offset) + ";");
        w.Close();
        w.Close();
    }

    private static string StepText(ChecksumStep step) => step.Kind switch
    {
        StepKind.Seed => "seed " + step.From,
        StepKind.Value => (step.Endian == Endian.Big ? "be" : "le") + Names.Int(LayoutMath.Width(step.Scalar) * 8) + " " + step.From,
        StepKind.Bytes => "bytes " + step.Name,
        StepKind.Zeros => "zeros " + Names.Int(step.Count),
        StepKind.XorOut => "xorout " + step.From,
        _ => "data " + step.From + " .. " + step.To + string.Concat(step.Holes.Select(h => (h.Skip ? " skip " : " zero ") + h.Field)),
    };
}
