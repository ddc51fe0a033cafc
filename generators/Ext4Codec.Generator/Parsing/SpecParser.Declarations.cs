using System.Collections.Generic;
using Ext4Codec.Generator.Helpers;
using Ext4Codec.Generator.Model;

namespace Ext4Codec.Generator.Parsing;

public sealed partial class SpecParser
{
    private sealed class FlagSetBuilder
    {
        public string Key = "";
        public bool IsFlags;
        public string TypeName = "";
        public ScalarKind Base;
        public string Doc = "";
        public readonly List<FlagMemberSpec> Members = new();

        public FlagSetSpec Build() => new(Key, IsFlags, TypeName, Base, Doc, Members.ToEquatableArray());
    }

    private sealed class StructBuilder
    {
        public string Key = "";
        public string SpecName = "";
        public string TypeName = "";
        public int Size;
        public int MinSize;
        public Endian Endian;
        public string Since = "";
        public string Doc = "";
        public readonly List<ParamSpec> Params = new();
        public readonly List<FieldSpec> Fields = new();
        public readonly List<CombineSpec> Combines = new();
        public readonly List<ConstraintSpec> Constraints = new();
        public readonly List<ChecksumSpec> Checksums = new();

        public StructSpec Build() => new(Key, SpecName, TypeName, Size, MinSize, Endian, Since, Doc,
            Params.ToEquatableArray(), Fields.ToEquatableArray(), Combines.ToEquatableArray(),
            Constraints.ToEquatableArray(), Checksums.ToEquatableArray());
    }

    private sealed class ChecksumBuilder
    {
        public string Key = "";
        public string Name = "";
        public ChecksumAlgorithm Algorithm;
        public StoreSpec Store = new("", null, ScalarKind.U32, Endian.Little);
        public Expr? When;
        public string Feature = "";
        public string Doc = "";
        public readonly List<ParamSpec> Params = new();
        public readonly List<ChecksumStep> Steps = new();

        public ChecksumSpec Build() => new(Key, Name, Algorithm, Store, When, Feature, Doc, Params.ToEquatableArray(), Steps.ToEquatableArray());
    }

    private sealed class TlvBuilder
    {
        public string Key = "";
        public string TypeName = "";
        public string Header = "";
        public string TagField = "";
        public string LengthField = "";
        public string Doc = "";
        public readonly List<ParamSpec> Params = new();
        public readonly List<TlvMemberSpec> Members = new();

        public TlvSpec Build() => new(Key, TypeName, Header, TagField, LengthField, Doc, Params.ToEquatableArray(), Members.ToEquatableArray());
    }

    // flags <TypeName> <base> ["doc"]   |   enum <TypeName> <base> ["doc"]
    private FlagSetBuilder ParseFlagSetHeader(LineCursor c, bool isFlags)
    {
        int column = c.Column;
        string name = c.ExpectIdent("a type name");
        int baseColumn = c.Column;
        string baseName = c.ExpectIdent("a base type (u8, u16, u32, u64)");
        var scalar = ParseScalar(baseName, c, baseColumn);
        if (scalar is not (ScalarKind.U8 or ScalarKind.U16 or ScalarKind.U32 or ScalarKind.U64))
            throw new SpecSyntaxException("A flag set or enum has an unsigned base type", baseColumn, baseName.Length);
        var clauses = ParseClauses(c, " ");
        return new FlagSetBuilder
        {
            Key = Locate(_path + "|flags|" + name, column, name.Length),
            IsFlags = isFlags,
            TypeName = name,
            Base = scalar,
            Doc = clauses.Doc,
        };
    }

    // <value> <NAME> [name "…"] [since "…"] ["doc"]
    private void ParseFlagMember(LineCursor c, FlagSetBuilder set)
    {
        ulong value = c.ExpectNumber("a member value");
        int column = c.Column;
        string name = c.ExpectIdent("a member name");
        var clauses = ParseClauses(c, " name since ");
        string key = Locate(set.Key + "|" + name, column, name.Length);
        set.Members.Add(new FlagMemberSpec(key, value, name, clauses.Display, clauses.Since, clauses.Doc));
    }

    // struct <spec_name> [as <TypeName>] size <N> [min <M>] [endian little|big] [since "…"] ["doc"]
    private StructBuilder ParseStructHeader(LineCursor c)
    {
        int column = c.Column;
        string specName = c.ExpectIdent("a structure name");
        string typeName = c.TryTake("as") ? c.ExpectIdent("a C# type name") : PascalCase(specName);
        c.Expect("size");
        int size = c.ExpectInt("a size in bytes");
        int min = size;
        var endian = Endian.Little;
        while (!c.AtEnd && c.Peek().Kind == TokenKind.Ident && (c.Peek().Text is "min" or "endian"))
        {
            if (c.TryTake("min")) min = c.ExpectInt("a minimum size in bytes");
            else
            {
                c.Expect("endian");
                string e = c.ExpectIdent("little or big");
                endian = e switch
                {
                    "little" => Endian.Little,
                    "big" => Endian.Big,
                    _ => throw c.Fail("Expected little or big"),
                };
            }
        }
        var clauses = ParseClauses(c, " since ");
        return new StructBuilder
        {
            Key = Locate(_path + "|struct|" + specName, column, specName.Length),
            SpecName = specName,
            TypeName = typeName,
            Size = size,
            MinSize = min,
            Endian = endian,
            Since = clauses.Since,
            Doc = clauses.Doc,
        };
    }

    private void ParseStructLine(LineCursor c, StructBuilder s)
    {
        var first = c.Peek();
        if (first.Kind == TokenKind.Number || (first.Is("end") && c.Peek(1).Is("-")))
        {
            ParseField(c, s);
            return;
        }
        string keyword = c.ExpectIdent("a field offset or a struct member (param, combine, magic, check, reserved, feature, checksum)");
        switch (keyword)
        {
            case "param":
                s.Params.Add(ParseParam(c, s.Key));
                break;
            case "combine":
            {
                int column = c.Column;
                string name = c.ExpectIdent("a combined value name");
                c.Expect("=");
                string lo = c.ExpectIdent("the low field");
                c.Expect("+");
                string hi = c.ExpectIdent("the high field");
                var clauses = ParseClauses(c, " when since ");
                string key = Locate(s.Key + "|" + name, column, name.Length);
                if (clauses.When is not null) Locate(key + "|when", clauses.WhenColumn, clauses.WhenLength);
                s.Combines.Add(new CombineSpec(key, name, lo, hi, clauses.When, clauses.Since, clauses.Doc));
                break;
            }
            case "magic":
            {
                int column = c.Column;
                string field = c.ExpectIdent("the magic field");
                ulong value = c.ExpectNumber("the magic value");
                c.ExpectEnd();
                string key = Locate(s.Key + "|magic|" + field, column, field.Length);
                s.Constraints.Add(new ConstraintSpec(key, ConstraintKind.Magic, field, value, null, ""));
                break;
            }
            case "check":
            {
                int column = c.Column;
                var condition = ExprParser.Parse(c);
                int length = System.Math.Max(1, c.Column - column);
                string message = c.ExpectString("the error message");
                c.ExpectEnd();
                string key = Locate(s.Key + "|check|" + s.Constraints.Count, column, length);
                s.Constraints.Add(new ConstraintSpec(key, ConstraintKind.Check, "", 0, condition, message));
                break;
            }
            case "reserved":
            {
                int column = c.Column;
                string field = c.ExpectIdent("the reserved field");
                c.ExpectEnd();
                string key = Locate(s.Key + "|reserved|" + field, column, field.Length);
                s.Constraints.Add(new ConstraintSpec(key, ConstraintKind.Reserved, field, 0, null, ""));
                break;
            }
            case "feature":
            {
                int column = c.Column;
                string set = c.ExpectIdent("a flag set name");
                c.Expect(".");
                string member = c.ExpectIdent("a flag member");
                var clauses = ParseClauses(c, " ");
                string key = Locate(s.Key + "|feature|" + set + "." + member, column, set.Length + member.Length + 1);
                s.Constraints.Add(new ConstraintSpec(key, ConstraintKind.Feature, set + "." + member, 0, null, clauses.Doc));
                break;
            }
            case "checksum":
                _checksum = ParseChecksumHeader(c, s);
                break;
            default:
                throw new SpecSyntaxException($"Unknown struct member '{keyword}'", first.Column, keyword.Length);
        }
    }

    // <offset>|end-<n> <type> <name> [flags X|enum X] [le|be] [when …] [since "…"] ["doc"]
    private void ParseField(LineCursor c, StructBuilder s)
    {
        bool fromEnd = false;
        if (c.TryTake("end"))
        {
            c.Expect("-");
            fromEnd = true;
        }
        int offset = c.ExpectInt("a field offset");
        var type = ParseType(c);
        int column = c.Column;
        string name = c.ExpectIdent("a field name");
        var clauses = ParseClauses(c, " flags enum le be when since ");
        string key = Locate(s.Key + "|" + name, column, name.Length);
        if (clauses.When is not null) Locate(key + "|when", clauses.WhenColumn, clauses.WhenLength);
        s.Fields.Add(new FieldSpec(key, name, offset, fromEnd, type, clauses.Flags, clauses.Enum, clauses.Endian, clauses.When, clauses.Since, clauses.Doc));
    }

    // param <type> <name> [flags X] ["doc"]
    private ParamSpec ParseParam(LineCursor c, string ownerKey)
    {
        var type = ParseType(c);
        int column = c.Column;
        string name = c.ExpectIdent("a parameter name");
        var clauses = ParseClauses(c, " flags ");
        string key = Locate(ownerKey + "|param|" + name, column, name.Length);
        return new ParamSpec(key, name, type, clauses.Flags, clauses.Doc);
    }

    // checksum <name> <crc32c|crc32|crc16> store <target> [when …] [feature X.Y] ["doc"]
    private ChecksumBuilder ParseChecksumHeader(LineCursor c, StructBuilder s)
    {
        int column = c.Column;
        string name = c.ExpectIdent("a checksum name");
        int algColumn = c.Column;
        string alg = c.ExpectIdent("crc32c, crc32 or crc16");
        var algorithm = alg switch
        {
            "crc32c" => ChecksumAlgorithm.Crc32c,
            "crc32" => ChecksumAlgorithm.Crc32,
            "crc16" => ChecksumAlgorithm.Crc16,
            _ => throw new SpecSyntaxException($"Unknown checksum algorithm '{alg}' (crc32c, crc32, crc16)", algColumn, alg.Length),
        };
        c.Expect("store");
        StoreSpec store;
        if (c.Peek().Text is "le16" or "le32" or "be32" && c.Peek(1).Is("at"))
        {
            var (scalar, endian) = ParseEncoding(c.ExpectIdent("an encoding"), c);
            c.Expect("at");
            store = new StoreSpec("", ExprParser.Parse(c), scalar, endian);
        }
        else
        {
            store = new StoreSpec(c.ExpectIdent("the field that stores the checksum"), null, ScalarKind.U32, Endian.Little);
        }
        var clauses = ParseClauses(c, " when feature ");
        string key = Locate(s.Key + "|checksum|" + name, column, name.Length);
        return new ChecksumBuilder
        {
            Key = key,
            Name = name,
            Algorithm = algorithm,
            Store = store,
            When = clauses.When,
            Feature = clauses.Feature,
            Doc = clauses.Doc,
        };
    }

    private static (ScalarKind, Endian) ParseEncoding(string word, LineCursor c) => word switch
    {
        "le16" => (ScalarKind.U16, Endian.Little),
        "le32" => (ScalarKind.U32, Endian.Little),
        "le64" => (ScalarKind.U64, Endian.Little),
        "be16" => (ScalarKind.U16, Endian.Big),
        "be32" => (ScalarKind.U32, Endian.Big),
        "be64" => (ScalarKind.U64, Endian.Big),
        _ => throw c.Fail($"Unknown encoding '{word}'"),
    };

    private void ParseChecksumLine(LineCursor c, ChecksumBuilder k)
    {
        int column = c.Column;
        string keyword = c.ExpectIdent("a checksum step (param, seed, le16, le32, le64, be16, be32, be64, bytes, data, zeros, xorout)");
        switch (keyword)
        {
            case "param":
                k.Params.Add(ParseParam(c, k.Key));
                return;
            case "seed":
                if (k.Steps.Count > 0) throw new SpecSyntaxException("'seed' must be the first step", column, keyword.Length);
                k.Steps.Add(new ChecksumStep(StepKind.Seed, ExprParser.Parse(c), null, "", ScalarKind.U32, Endian.Little, 0, EquatableArray<HoleSpec>.Empty));
                break;
            case "le16":
            case "le32":
            case "le64":
            case "be16":
            case "be32":
            case "be64":
            {
                var (scalar, endian) = ParseEncoding(keyword, c);
                k.Steps.Add(new ChecksumStep(StepKind.Value, ExprParser.Parse(c), null, "", scalar, endian, 0, EquatableArray<HoleSpec>.Empty));
                break;
            }
            case "bytes":
                k.Steps.Add(new ChecksumStep(StepKind.Bytes, null, null, c.ExpectIdent("a uuid parameter"), ScalarKind.U8, Endian.Little, 0, EquatableArray<HoleSpec>.Empty));
                break;
            case "xorout":
                k.Steps.Add(new ChecksumStep(StepKind.XorOut, ExprParser.Parse(c), null, "", ScalarKind.U32, Endian.Little, 0, EquatableArray<HoleSpec>.Empty));
                break;
            case "zeros":
                k.Steps.Add(new ChecksumStep(StepKind.Zeros, null, null, "", ScalarKind.U8, Endian.Little, c.ExpectInt("a byte count"), EquatableArray<HoleSpec>.Empty));
                break;
            case "data":
            {
                var from = ExprParser.Parse(c);
                c.Expect("..");
                var to = ExprParser.Parse(c);
                var holes = new List<HoleSpec>();
                while (!c.AtEnd)
                {
                    if (c.TryTake("zero")) holes.Add(new HoleSpec(c.ExpectIdent("a field"), false));
                    else if (c.TryTake("skip")) holes.Add(new HoleSpec(c.ExpectIdent("a field"), true));
                    else throw c.Fail("Expected 'zero <field>' or 'skip <field>'");
                }
                k.Steps.Add(new ChecksumStep(StepKind.Data, from, to, "", ScalarKind.U8, Endian.Little, 0, holes.ToEquatableArray()));
                break;
            }
            default:
                throw new SpecSyntaxException($"Unknown checksum step '{keyword}'", column, keyword.Length);
        }
        c.ExpectEnd();
    }

    // tlv <TypeName> header <struct> tag <field> length <field> ["doc"]
    private TlvBuilder ParseTlvHeader(LineCursor c)
    {
        int column = c.Column;
        string name = c.ExpectIdent("a type name");
        c.Expect("header");
        string header = c.ExpectIdent("the header structure");
        c.Expect("tag");
        string tag = c.ExpectIdent("the tag field");
        c.Expect("length");
        string length = c.ExpectIdent("the length field");
        var clauses = ParseClauses(c, " ");
        return new TlvBuilder
        {
            Key = Locate(_path + "|tlv|" + name, column, name.Length),
            TypeName = name,
            Header = header,
            TagField = tag,
            LengthField = length,
            Doc = clauses.Doc,
        };
    }

    // <value> <NAME> [value <struct>] length <rule> [since "…"] ["doc"]
    private void ParseTlvLine(LineCursor c, TlvBuilder t)
    {
        if (c.TryTake("param"))
        {
            t.Params.Add(ParseParam(c, t.Key));
            return;
        }
        ulong value = c.ExpectNumber("a tag value or 'param'");
        int column = c.Column;
        string name = c.ExpectIdent("a tag name");
        string valueStruct = c.TryTake("value") ? c.ExpectIdent("the value structure") : "";
        c.Expect("length");
        LengthRule rule;
        if (c.TryTake("any")) rule = new LengthRule(LengthRuleKind.Any, null, null);
        else if (c.TryTake("==")) rule = new LengthRule(LengthRuleKind.Equal, ExprParser.Parse(c), null);
        else if (c.TryTake(">=")) rule = new LengthRule(LengthRuleKind.AtLeast, ExprParser.Parse(c), null);
        else
        {
            var min = ExprParser.Parse(c);
            c.Expect("..");
            rule = new LengthRule(LengthRuleKind.Range, min, ExprParser.Parse(c));
        }
        var clauses = ParseClauses(c, " since ");
        string key = Locate(t.Key + "|" + name, column, name.Length);
        t.Members.Add(new TlvMemberSpec(key, value, name, valueStruct, rule, clauses.Since, clauses.Doc));
    }

    /// <summary><c>ext4_super_block</c> → <c>Ext4SuperBlock</c>.</summary>
    public static string PascalCase(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length);
        bool upper = true;
        foreach (char ch in name)
        {
            if (ch == '_') { upper = true; continue; }
            sb.Append(upper ? char.ToUpperInvariant(ch) : ch);
            upper = false;
        }
        return sb.ToString();
    }
}
