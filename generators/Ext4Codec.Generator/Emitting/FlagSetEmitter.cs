using Ext4Codec.Generator.Model;

namespace Ext4Codec.Generator.Emitting;

/// <summary>Emits a flag set as a <c>[Flags]</c> enum (an enum as a plain one) plus <c>…Info</c> metadata.</summary>
public static class FlagSetEmitter
{
    public static string Emit(FlagSetSpec set, string ns)
    {
        string L(string s) => SourceWriter.Literal(s);
        var w = new SourceWriter();
        w.Line(SupportEmitter.Header.TrimEnd('\n'));
        w.Open("namespace " + ns);
        w.Doc(set.Doc.Length > 0 ? set.Doc : set.TypeName);
        if (set.IsFlags) w.Line("[System.Flags]");
        w.Open("public enum " + set.TypeName + " : " + Names.Clr(set.Base));
        if (set.IsFlags && set.Members.Count == 0) w.Line("None = 0,");
        foreach (var m in set.Members)
        {
            string doc = m.Doc + (m.Display.Length > 0 ? " (" + m.Display + ")" : "") + (m.Since.Length > 0 ? " Since " + m.Since + "." : "")
                + (m.Proposal.Length > 0 ? " Proposal: " + m.Proposal + "." : "");
            w.Doc(doc.Trim());
            w.Line(Names.Id(m.Name) + " = " + Names.Hex(m.Value) + ",");
        }
        w.Close();
        w.Line();
        w.Line("/// <summary>Metadata of <see cref=\"" + set.TypeName + "\"/>: values, display names, versions.</summary>");
        w.Open("public static partial class " + set.TypeName + "Info");
        w.Open("public static readonly FlagSetLayout Layout = new FlagSetLayout(" + L(set.TypeName) + ", " + (set.IsFlags ? "true" : "false") + ", " + Names.Int(LayoutMath.Width(set.Base)) + ", " + L(set.Doc) + ", new FlagLayout[]");
        foreach (var m in set.Members) w.Line("new FlagLayout(" + Names.Hex(m.Value) + ", " + L(m.Name) + ", " + L(m.Display) + ", " + L(m.Since) + ", " + L(m.Doc) + Names.ProposalArgument(m.Proposal) + "),");
        w.Close(");");
        w.Close();
        w.Close();
        return w.ToString();
    }
}
