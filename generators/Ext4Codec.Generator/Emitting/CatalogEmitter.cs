using System.Linq;
using Ext4Codec.Generator.Model;

namespace Ext4Codec.Generator.Emitting;

/// <summary>Emits <c>SpecCatalog</c>: every structure, flag set and TLV family of a namespace, in spec order.</summary>
public static class CatalogEmitter
{
    public static string Emit(CodegenUnit unit)
    {
        var w = new SourceWriter();
        w.Line(SupportEmitter.Header.TrimEnd('\n'));
        w.Open("namespace " + unit.Namespace);
        w.Line("/// <summary>Everything the specs of this namespace declare, for tools that walk layouts (fuzzers, documentation).</summary>");
        w.Open("public static partial class SpecCatalog");
        w.Open("public static readonly StructLayout[] Structs = new StructLayout[]");
        foreach (var s in unit.Structs) w.Line(s.TypeName + "Layout.Instance,");
        w.Close(";");
        w.Line();
        w.Open("public static readonly FlagSetLayout[] FlagSets = new FlagSetLayout[]");
        foreach (var f in unit.FlagSets) w.Line(f.TypeName + "Info.Layout,");
        w.Close(";");
        w.Line();
        w.Open("public static readonly TlvLayout[] Tlvs = new TlvLayout[]");
        foreach (var t in unit.Tlvs) w.Line(t.TypeName + "Info.Layout,");
        w.Close(";");
        w.Line();
        w.Line("/// <summary>The structure with this spec name, or null.</summary>");
        w.Open("public static StructLayout FindStruct(string specName)");
        w.Line("foreach (var s in Structs) { if (s.SpecName == specName) return s; }");
        w.Line("return null;");
        w.Close();
        w.Close();
        w.Close();
        return w.ToString();
    }
}
