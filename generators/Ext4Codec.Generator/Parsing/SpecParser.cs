using System.Collections.Generic;
using Ext4Codec.Generator.Diagnostics;
using Ext4Codec.Generator.Helpers;
using Ext4Codec.Generator.Model;

namespace Ext4Codec.Generator.Parsing;

/// <summary>
/// Parses a spec file line by line into the model. A malformed line becomes a located diagnostic and parsing
/// goes on with the next line, so one typo shows every other error too.
/// </summary>
public sealed partial class SpecParser
{
    private readonly string _path;
    private readonly List<KeyedLocation> _locations = new();
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private readonly List<FlagSetSpec> _flagSets = new();
    private readonly List<StructSpec> _structs = new();
    private readonly List<TlvSpec> _tlvs = new();
    private readonly List<ExtensionSpec> _extensions = new();
    private readonly List<ProposalSpec> _proposals = new();
    private readonly List<ProfileSpec> _profiles = new();
    private string _namespace = "";
    private int _line;

    private FlagSetBuilder? _flagSet;
    private StructBuilder? _struct;
    private ChecksumBuilder? _checksum;
    private TlvBuilder? _tlv;
    private ExtensionBuilder? _extension;
    private ProposalBuilder? _proposal;
    private ProfileBuilder? _profile;

    private SpecParser(string path) => _path = path;

    public static ParsedSpec Parse(string path, string text)
    {
        var parser = new SpecParser(path);
        parser.Run(text);
        return new ParsedSpec(
            new SpecFile(path, parser._namespace, parser._flagSets.ToEquatableArray(), parser._structs.ToEquatableArray(), parser._tlvs.ToEquatableArray(),
                parser._extensions.ToEquatableArray(), parser._proposals.ToEquatableArray(), parser._profiles.ToEquatableArray()),
            parser._locations.ToEquatableArray(),
            parser._diagnostics.ToEquatableArray());
    }

    private void Run(string text)
    {
        var tokens = new List<Token>();
        string[] lines = text.Replace("\r\n", "\n").Split('\n');
        for (_line = 1; _line <= lines.Length; _line++)
        {
            string line = lines[_line - 1];
            if (!SpecLexer.TryTokenize(line, tokens, out string error, out int column))
            {
                Report(DiagnosticDescriptors.Syntax, column, 1, error);
                continue;
            }
            if (tokens.Count == 0) continue;
            var cursor = new LineCursor(tokens, line.Length);
            try
            {
                ParseLine(cursor);
            }
            catch (SpecSyntaxException e)
            {
                Report(DiagnosticDescriptors.Syntax, e.Column, e.Length, e.Message);
            }
        }
        _line = lines.Length;
        if (_checksum is not null) Report(DiagnosticDescriptors.Unterminated, 1, 1, "checksum " + _checksum.Name);
        if (_struct is not null) Report(DiagnosticDescriptors.Unterminated, 1, 1, "struct " + _struct.SpecName);
        if (_flagSet is not null) Report(DiagnosticDescriptors.Unterminated, 1, 1, _flagSet.TypeName);
        if (_tlv is not null) Report(DiagnosticDescriptors.Unterminated, 1, 1, "tlv " + _tlv.TypeName);
        if (_extension is not null) Report(DiagnosticDescriptors.Unterminated, 1, 1, "extend " + _extension.Target);
        if (_proposal is not null) Report(DiagnosticDescriptors.Unterminated, 1, 1, "proposal " + _proposal.Id);
        if (_profile is not null) Report(DiagnosticDescriptors.Unterminated, 1, 1, "profile " + _profile.Id);
        bool declares = _structs.Count > 0 || _flagSets.Count > 0 || _tlvs.Count > 0 || _extensions.Count > 0 || _proposals.Count > 0 || _profiles.Count > 0;
        if (_namespace.Length == 0 && declares)
        {
            _line = 1;
            Report(DiagnosticDescriptors.MissingNamespace, 1, 1);
        }
    }

    private void ParseLine(LineCursor c)
    {
        bool isEnd = c.Peek().Is("end") && !c.Peek(1).Is("-");
        if (_checksum is not null)
        {
            if (isEnd) { c.Next(); c.ExpectEnd(); _struct!.Checksums.Add(_checksum.Build()); _checksum = null; }
            else ParseChecksumLine(c, _checksum);
            return;
        }
        if (_struct is not null)
        {
            if (isEnd) { c.Next(); c.ExpectEnd(); _structs.Add(_struct.Build()); _struct = null; }
            else ParseStructLine(c, _struct);
            return;
        }
        if (_flagSet is not null)
        {
            if (isEnd) { c.Next(); c.ExpectEnd(); _flagSets.Add(_flagSet.Build()); _flagSet = null; }
            else ParseFlagMember(c, _flagSet);
            return;
        }
        if (_tlv is not null)
        {
            if (isEnd) { c.Next(); c.ExpectEnd(); _tlvs.Add(_tlv.Build()); _tlv = null; }
            else ParseTlvLine(c, _tlv);
            return;
        }
        if (_extension is not null)
        {
            if (isEnd) { c.Next(); c.ExpectEnd(); _extensions.Add(_extension.Build()); _extension = null; }
            else ParseExtensionLine(c, _extension);
            return;
        }
        if (_proposal is not null)
        {
            if (isEnd) { c.Next(); c.ExpectEnd(); _proposals.Add(_proposal.Build()); _proposal = null; }
            else ParseProposalLine(c, _proposal);
            return;
        }
        if (_profile is not null)
        {
            if (isEnd) { c.Next(); c.ExpectEnd(); _profiles.Add(_profile.Build()); _profile = null; }
            else ParseProfileLine(c, _profile);
            return;
        }
        string keyword = c.ExpectIdent("a declaration (namespace, flags, enum, struct, tlv, extend, proposal, profile)");
        switch (keyword)
        {
            case "namespace":
                var sb = new System.Text.StringBuilder(c.ExpectIdent("a namespace name"));
                while (c.TryTake(".")) sb.Append('.').Append(c.ExpectIdent("a namespace part"));
                c.ExpectEnd();
                if (_namespace.Length > 0) throw new SpecSyntaxException("The namespace is already declared", 1, keyword.Length);
                _namespace = sb.ToString();
                break;
            case "flags":
            case "enum":
                _flagSet = ParseFlagSetHeader(c, keyword == "flags");
                break;
            case "struct":
                _struct = ParseStructHeader(c);
                break;
            case "tlv":
                _tlv = ParseTlvHeader(c);
                break;
            case "extend":
                _extension = ParseExtensionHeader(c);
                break;
            case "proposal":
                _proposal = ParseProposalHeader(c);
                break;
            case "profile":
                _profile = ParseProfileHeader(c);
                break;
            default:
                throw new SpecSyntaxException($"Unknown declaration '{keyword}'", 1, keyword.Length);
        }
    }

    private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, int column, int length, params string[] args)
        => _diagnostics.Add(DiagnosticInfo.Create(descriptor, new SpecLocation(_path, _line, column, length), args));

    private string Locate(string key, int column, int length)
    {
        _locations.Add(new KeyedLocation(key, new SpecLocation(_path, _line, column, length)));
        return key;
    }

    private static ScalarKind ParseScalar(string name, LineCursor c, int column) => name switch
    {
        "u8" => ScalarKind.U8,
        "u16" => ScalarKind.U16,
        "u32" => ScalarKind.U32,
        "u64" => ScalarKind.U64,
        "i8" => ScalarKind.I8,
        "i16" => ScalarKind.I16,
        "i32" => ScalarKind.I32,
        "i64" => ScalarKind.I64,
        _ => throw new SpecSyntaxException($"'{name}' is not an integer type (u8, u16, u32, u64, i8, i16, i32, i64)", column, name.Length),
    };

    private static bool IsScalarName(string name) => name is "u8" or "u16" or "u32" or "u64" or "i8" or "i16" or "i32" or "i64";

    /// <summary>Parses a type: scalar, scalar array, bytes, chars, uuid, flexible bytes, structure or structure array.</summary>
    private static TypeRef ParseType(LineCursor c)
    {
        int column = c.Column;
        string name = c.ExpectIdent("a type");
        bool scalar = IsScalarName(name);
        if (name == "uuid") return new TypeRef(FieldKind.Uuid, ScalarKind.U8, 16, "");
        if (!c.TryTake("["))
        {
            if (name == "char") throw c.Fail("char needs a length: char[N]");
            return scalar ? new TypeRef(FieldKind.Scalar, ParseScalar(name, c, column), 1, "") : new TypeRef(FieldKind.Struct, ScalarKind.U8, 1, name);
        }
        if (c.TryTake("]"))
        {
            if (name != "u8") throw new SpecSyntaxException("Only u8[] can be a flexible array", column, name.Length);
            return new TypeRef(FieldKind.Flexible, ScalarKind.U8, 0, "");
        }
        int count = c.ExpectInt("an element count");
        c.Expect("]");
        if (count <= 0) throw new SpecSyntaxException("An array needs at least one element", column, name.Length);
        if (name == "char") return new TypeRef(FieldKind.Chars, ScalarKind.U8, count, "");
        if (name == "u8") return new TypeRef(FieldKind.Bytes, ScalarKind.U8, count, "");
        if (scalar) return new TypeRef(FieldKind.ScalarArray, ParseScalar(name, c, column), count, "");
        return new TypeRef(FieldKind.StructArray, ScalarKind.U8, count, name);
    }

    /// <summary>Reads optional trailing clauses; each kind may appear once, in any order.</summary>
    private sealed class Clauses
    {
        public string Since = "";
        public string Doc = "";
        public string Display = "";
        public string Flags = "";
        public string Enum = "";
        public string Feature = "";
        public Endian? Endian;
        public Expr? When;
        public int WhenColumn;
        public int WhenLength;
    }

    private static Clauses ParseClauses(LineCursor c, string allowed)
    {
        var result = new Clauses();
        while (!c.AtEnd)
        {
            var t = c.Peek();
            if (t.Kind == TokenKind.String)
            {
                if (result.Doc.Length > 0) throw c.Fail("Only one doc string per line");
                result.Doc = c.ExpectString("a doc string");
                continue;
            }
            string word = t.Kind == TokenKind.Ident ? t.Text : "";
            if (word.Length == 0 || allowed.IndexOf(" " + word + " ", System.StringComparison.Ordinal) < 0)
                throw c.Fail($"Unexpected '{t.Text}'");
            c.Next();
            switch (word)
            {
                case "since": result.Since = c.ExpectString("a version"); break;
                case "name": result.Display = c.ExpectString("a display name"); break;
                case "flags": result.Flags = c.ExpectIdent("a flag set name"); break;
                case "enum": result.Enum = c.ExpectIdent("an enum name"); break;
                case "le": result.Endian = Model.Endian.Little; break;
                case "be": result.Endian = Model.Endian.Big; break;
                case "feature":
                    string set = c.ExpectIdent("a flag set name");
                    c.Expect(".");
                    result.Feature = set + "." + c.ExpectIdent("a flag member");
                    break;
                case "when":
                    result.WhenColumn = c.Column;
                    result.When = ExprParser.Parse(c);
                    result.WhenLength = System.Math.Max(1, c.Column - result.WhenColumn);
                    break;
            }
        }
        return result;
    }
}
