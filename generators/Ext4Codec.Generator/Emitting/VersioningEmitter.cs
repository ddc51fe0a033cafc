using System.Linq;
using Ext4Codec.Generator.Model;

namespace Ext4Codec.Generator.Emitting;

/// <summary>
/// Emits <c>SpecProposals</c> (each proposal's gates, sources and notes) and <c>ReaderProfiles</c> (each profile
/// with its inheritance applied: the members it knows per set, its behaviours, its sources).
/// </summary>
public static class VersioningEmitter
{
    public static string EmitProposals(CodegenUnit unit)
    {
        string L(string s) => SourceWriter.Literal(s);
        var w = Begin(unit);
        w.Line("/// <summary>The format proposals these specs declare: what each gates on which flag.</summary>");
        w.Open("public static partial class SpecProposals");
        foreach (var p in unit.Proposals)
        {
            w.Doc(p.Doc.Length > 0 ? p.Doc : p.Id);
            w.Open("public static readonly ProposalLayout " + Names.Member(p.Id) + " = new ProposalLayout(" + L(p.Id) + ", " + L(p.Doc) + ", new GateLayout[]");
            foreach (var g in p.Gates)
                w.Line("new GateLayout(" + L(g.Owner) + ", " + L(g.Member) + ", " + Names.Hex(g.MemberValue) + ", " + L(g.FlagSet) + ", " + L(g.Flag) + ", " + Names.Hex(g.FlagValue) + ", " + L(g.Doc) + "),");
            w.Close(", " + Strings(p.Sources) + ", " + Strings(p.Notes) + ");");
            w.Line();
        }
        w.Line("public static readonly ProposalLayout[] All = new ProposalLayout[] { " + string.Join(", ", unit.Proposals.Select(p => Names.Member(p.Id))) + " };");
        w.Line();
        FindMethod(w, "ProposalLayout", "Id");
        w.Close();
        w.Close();
        return w.ToString();
    }

    public static string EmitProfiles(CodegenUnit unit)
    {
        string L(string s) => SourceWriter.Literal(s);
        var w = Begin(unit);
        w.Line("/// <summary>The reader profiles these specs declare, inheritance applied.</summary>");
        w.Open("public static partial class ReaderProfiles");
        foreach (var p in unit.Profiles)
        {
            w.Doc((p.Doc.Length > 0 ? p.Doc : p.Id) + (p.From.Length > 0 ? " (starts from " + p.From + ")" : ""));
            w.Line("public static readonly ReaderProfile " + Names.Member(p.Id) + " = new ReaderProfile(").Indent();
            w.Line(L(p.Id) + ", " + L(p.Kind) + ", " + L(p.Version) + ", " + L(p.From) + ", " + L(p.Doc) + ", " + Strings(p.Sources) + ",");
            w.Open("new ProfileKnowledge[]");
            foreach (var k in p.Knows)
            {
                string values = k.Values.Count == 0 ? "new ulong[0]" : "new ulong[] { " + string.Join(", ", k.Values.Select(Names.Hex)) + " }";
                w.Line("new ProfileKnowledge(" + L(k.Set) + ", " + (k.IsFlags ? "true" : "false") + ", " + values + ", " + Strings(k.Members) + ", " + L(k.Source) + "),");
            }
            w.Close(",");
            w.Open("new ProfileBehaviour[]");
            foreach (var b in p.Behaviours) w.Line("new ProfileBehaviour(" + L(b.Enum) + ", " + L(b.Member) + ", " + Names.Hex(b.Value) + ", " + L(b.Source) + "),");
            w.Close(");").Outdent();
            w.Line();
        }
        w.Line("public static readonly ReaderProfile[] All = new ReaderProfile[] { " + string.Join(", ", unit.Profiles.Select(p => Names.Member(p.Id))) + " };");
        w.Line();
        FindMethod(w, "ReaderProfile", "Id");
        w.Close();
        w.Close();
        return w.ToString();
    }

    private static SourceWriter Begin(CodegenUnit unit)
    {
        var w = new SourceWriter();
        w.Line(SupportEmitter.Header.TrimEnd('\n'));
        w.Open("namespace " + unit.Namespace);
        return w;
    }

    private static void FindMethod(SourceWriter w, string type, string key)
    {
        w.Line("/// <summary>The one with this id, or null.</summary>");
        w.Open("public static " + type + " Find(string id)");
        w.Line("foreach (var x in All) { if (x." + key + " == id) return x; }");
        w.Line("return null;");
        w.Close();
    }

    private static string Strings(Helpers.EquatableArray<string> items)
        => items.Count == 0 ? "new string[0]" : "new string[] { " + string.Join(", ", items.Select(SourceWriter.Literal)) + " }";
}
