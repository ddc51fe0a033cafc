using System.Collections.Generic;
using System.Linq;
using Ext4Codec.Generator.Helpers;
using Ext4Codec.Generator.Model;

namespace Ext4Codec.Generator.Parsing;

/// <summary>Format versioning: <c>extend</c> blocks (what a proposal adds), <c>proposal</c> blocks (its gates) and <c>profile</c> blocks (what a reader knows).</summary>
public sealed partial class SpecParser
{
    private sealed class ExtensionBuilder
    {
        public string Key = "";
        public ExtensionKind Kind;
        public string Target = "";
        public string Proposals = "";

        // Member lines parse as they do in the declaration they extend; these collect them.
        public readonly FlagSetBuilder Flags = new();
        public readonly TlvBuilder Tlv = new();
        public readonly StructBuilder Struct = new();

        public ExtensionSpec Build() => new(Key, Kind, Target, Proposals,
            Flags.Members.Select(m => m with { Proposal = Proposals }).ToEquatableArray(),
            Tlv.Members.Select(m => m with { Proposal = Proposals }).ToEquatableArray(),
            Struct.Fields.Select(f => f with { Proposal = Proposals }).ToEquatableArray());
    }

    private sealed class ProposalBuilder
    {
        public string Key = "";
        public string Id = "";
        public string Doc = "";
        public readonly List<GateSpec> Gates = new();
        public readonly List<string> Sources = new();
        public readonly List<string> Notes = new();

        public ProposalSpec Build() => new(Key, Id, Doc, Gates.ToEquatableArray(), Sources.ToEquatableArray(), Notes.ToEquatableArray());
    }

    private sealed class ProfileBuilder
    {
        public string Key = "";
        public string Id = "";
        public string Kind = "";
        public string Version = "";
        public string From = "";
        public string Doc = "";
        public readonly List<string> Sources = new();
        public readonly List<KnowsSpec> Knows = new();
        public readonly List<BehaviourSpec> Behaviours = new();

        public ProfileSpec Build() => new(Key, Id, Kind, Version, From, Doc, Sources.ToEquatableArray(), Knows.ToEquatableArray(), Behaviours.ToEquatableArray());
    }

    // extend flags|enum|tlv|struct <Target> proposal <id>... ["doc"]
    private ExtensionBuilder ParseExtensionHeader(LineCursor c)
    {
        int kindColumn = c.Column;
        string kindWord = c.ExpectIdent("flags, enum, tlv or struct");
        var kind = kindWord switch
        {
            "flags" => ExtensionKind.Flags,
            "enum" => ExtensionKind.Enum,
            "tlv" => ExtensionKind.Tlv,
            "struct" => ExtensionKind.Struct,
            _ => throw new SpecSyntaxException($"'{kindWord}' cannot be extended (flags, enum, tlv, struct)", kindColumn, kindWord.Length),
        };
        int column = c.Column;
        string target = c.ExpectIdent("the declaration to extend");
        c.Expect("proposal");
        var ids = new List<string> { c.ExpectIdent("a proposal name") };
        while (!c.AtEnd && c.Peek().Kind == TokenKind.Ident) ids.Add(c.ExpectIdent("a proposal name"));
        ParseClauses(c, " ");
        string key = Locate(_path + "|extend|" + kindWord + "|" + target + "|" + string.Join(" ", ids), column, target.Length);
        var builder = new ExtensionBuilder { Key = key, Kind = kind, Target = target, Proposals = string.Join(" ", ids) };
        builder.Flags.Key = builder.Tlv.Key = builder.Struct.Key = key;
        return builder;
    }

    private void ParseExtensionLine(LineCursor c, ExtensionBuilder e)
    {
        switch (e.Kind)
        {
            case ExtensionKind.Flags:
            case ExtensionKind.Enum:
                ParseFlagMember(c, e.Flags);
                break;
            case ExtensionKind.Tlv:
                if (c.Peek().Is("param")) throw c.Fail("An extension adds tags; parameters belong to the family's declaration");
                ParseTlvLine(c, e.Tlv);
                break;
            default:
                if (c.Peek().Kind != TokenKind.Number) throw c.Fail("An extension of a structure adds fields: '<offset> <type> <name> …'");
                ParseField(c, e.Struct);
                break;
        }
    }

    // proposal <id> ["doc"]
    private ProposalBuilder ParseProposalHeader(LineCursor c)
    {
        int column = c.Column;
        string id = c.ExpectIdent("a proposal name");
        var clauses = ParseClauses(c, " ");
        return new ProposalBuilder { Key = Locate(_path + "|proposal|" + id, column, id.Length), Id = id, Doc = clauses.Doc };
    }

    // gate <Owner>.<Member> requires <FlagSet>.<FLAG> ["doc"]   |   source "…"   |   note "…"
    private void ParseProposalLine(LineCursor c, ProposalBuilder p)
    {
        int column = c.Column;
        string keyword = c.ExpectIdent("gate, source or note");
        switch (keyword)
        {
            case "gate":
            {
                int memberColumn = c.Column;
                string owner = c.ExpectIdent("the gated declaration");
                c.Expect(".");
                string member = c.ExpectIdent("the gated member");
                c.Expect("requires");
                string set = c.ExpectIdent("a flag set");
                c.Expect(".");
                string flag = c.ExpectIdent("a flag");
                var clauses = ParseClauses(c, " ");
                string key = Locate(p.Key + "|gate|" + owner + "." + member, memberColumn, owner.Length + member.Length + 1);
                p.Gates.Add(new GateSpec(key, owner, member, set, flag, clauses.Doc));
                break;
            }
            case "source":
                p.Sources.Add(c.ExpectString("a source"));
                c.ExpectEnd();
                break;
            case "note":
                p.Notes.Add(c.ExpectString("a note"));
                c.ExpectEnd();
                break;
            default:
                throw new SpecSyntaxException($"Unknown proposal line '{keyword}' (gate, source, note)", column, keyword.Length);
        }
    }

    // profile <id> kind <ident> version "<v>" [from <id>] ["doc"]
    private ProfileBuilder ParseProfileHeader(LineCursor c)
    {
        int column = c.Column;
        string id = c.ExpectIdent("a profile name");
        c.Expect("kind");
        string kind = c.ExpectIdent("the reader's kind (e.g. kernel, checker)");
        c.Expect("version");
        string version = c.ExpectString("a version");
        string from = c.TryTake("from") ? c.ExpectIdent("the profile this one starts from") : "";
        var clauses = ParseClauses(c, " ");
        return new ProfileBuilder
        {
            Key = Locate(_path + "|profile|" + id, column, id.Length),
            Id = id,
            Kind = kind,
            Version = version,
            From = from,
            Doc = clauses.Doc,
        };
    }

    // knows <Set> <MEMBER>... | base | all | none [source "…"]   |   behaviour <Enum> <MEMBER> [source "…"]   |   source "…"
    private void ParseProfileLine(LineCursor c, ProfileBuilder p)
    {
        int column = c.Column;
        string keyword = c.ExpectIdent("knows, behaviour or source");
        switch (keyword)
        {
            case "knows":
            {
                int setColumn = c.Column;
                string set = c.ExpectIdent("a flag set, enum or TLV family");
                var members = new List<string>();
                var mode = KnowsMode.Members;
                while (!c.AtEnd && c.Peek().Kind == TokenKind.Ident && !c.Peek().Is("source")) members.Add(c.ExpectIdent("a member"));
                if (members.Count == 1 && members[0] is "base" or "all" or "none")
                {
                    mode = members[0] switch { "base" => KnowsMode.Base, "all" => KnowsMode.All, _ => KnowsMode.None };
                    members.Clear();
                }
                else if (members.Count == 0) throw c.Fail("Name the members the reader knows, or base, all or none");
                string source = c.TryTake("source") ? c.ExpectString("a source") : "";
                c.ExpectEnd();
                string key = Locate(p.Key + "|knows|" + set, setColumn, set.Length);
                p.Knows.Add(new KnowsSpec(key, set, mode, members.ToEquatableArray(), source));
                break;
            }
            case "behaviour":
            {
                int enumColumn = c.Column;
                string enumType = c.ExpectIdent("an enum");
                string member = c.ExpectIdent("one of its members");
                string source = c.TryTake("source") ? c.ExpectString("a source") : "";
                c.ExpectEnd();
                string key = Locate(p.Key + "|behaviour|" + enumType, enumColumn, enumType.Length);
                p.Behaviours.Add(new BehaviourSpec(key, enumType, member, source));
                break;
            }
            case "source":
                p.Sources.Add(c.ExpectString("a source"));
                c.ExpectEnd();
                break;
            default:
                throw new SpecSyntaxException($"Unknown profile line '{keyword}' (knows, behaviour, source)", column, keyword.Length);
        }
    }
}
