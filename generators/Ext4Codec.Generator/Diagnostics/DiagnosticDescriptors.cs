using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Ext4Codec.Generator.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. <c>docs/spec-language.md</c> carries this table (a test keeps the two
/// in step), so each entry says what is wrong and how to fix it.
/// </summary>
public static class DiagnosticDescriptors
{
    private const string Category = "SpecCodec";

    public static readonly DiagnosticDescriptor Syntax = Error("SPEC001", "Spec syntax error",
        "{0}", "Write the line in one of the forms of the spec language reference.");

    public static readonly DiagnosticDescriptor UnknownType = Error("SPEC002", "Unknown type",
        "Unknown type '{0}'", "Use u8..u64, i8..i64, u8[N], u32[N], char[N], uuid, u8[] or a structure declared in the same namespace.");

    public static readonly DiagnosticDescriptor Overlap = Error("SPEC003", "Fields overlap",
        "Field '{0}' overlaps field '{1}' in '{2}'", "Fix the offsets so that each byte belongs to one field.");

    public static readonly DiagnosticDescriptor Gap = Error("SPEC004", "Undeclared gap",
        "Bytes 0x{0}..0x{1} of '{2}' are covered by no field", "Declare the bytes, as a reserved or padding field if unused.");

    public static readonly DiagnosticDescriptor SizeMismatch = Error("SPEC005", "Size mismatch",
        "The fields of '{0}' end at 0x{1} but its size is 0x{2}", "Make the declared size equal the end of the last field.");

    public static readonly DiagnosticDescriptor BadCondition = Error("SPEC006", "Bad condition or expression",
        "{0}", "Refer only to fields, combines and params of the structure, 'size', and members of the field's flag set.");

    public static readonly DiagnosticDescriptor Duplicate = Error("SPEC007", "Duplicate name",
        "'{0}' is declared more than once in '{1}'", "Give each declaration its own name.");

    public static readonly DiagnosticDescriptor UnknownField = Error("SPEC008", "Unknown field",
        "'{0}' is not a field of '{1}'", "Name a field declared in the structure.");

    public static readonly DiagnosticDescriptor MissingNamespace = Error("SPEC009", "Missing namespace",
        "The spec file declares no namespace", "Start the file with 'namespace <Name>'.");

    public static readonly DiagnosticDescriptor UnknownFlagSet = Error("SPEC010", "Unknown flag set or enum",
        "Unknown flag set or enum '{0}'", "Declare it with 'flags' or 'enum' in the same namespace.");

    public static readonly DiagnosticDescriptor ValueTooLarge = Error("SPEC011", "Value does not fit",
        "Value 0x{0} does not fit in {1}", "Use a wider base type or a smaller value.");

    public static readonly DiagnosticDescriptor Recursive = Error("SPEC012", "Recursive structure",
        "Structure '{0}' contains itself", "Break the cycle; a structure cannot nest itself.");

    public static readonly DiagnosticDescriptor BadChecksum = Error("SPEC013", "Invalid checksum",
        "Checksum '{0}': {1}", "See the checksum section of the spec language reference.");

    public static readonly DiagnosticDescriptor BadTlv = Error("SPEC014", "Invalid tag-length-value family",
        "TLV '{0}': {1}", "The header must be a declared structure with integer tag and length fields.");

    public static readonly DiagnosticDescriptor BadSize = Error("SPEC015", "Invalid size",
        "Structure '{0}': {1}", "min must not exceed size, a flexible array must come last, and end-relative fields need min to cover them.");

    public static readonly DiagnosticDescriptor Unterminated = Error("SPEC016", "Unterminated block",
        "'{0}' has no 'end'", "Close the block with 'end' on its own line.");

    public static readonly DiagnosticDescriptor BadExtension = Error("SPEC017", "Invalid extension",
        "Extension of '{0}': {1}", "Extend a flag set, enum, TLV family or structure declared in the same namespace; new fields must lie inside a reserved u8[] field and new flags must take free bits.");

    public static readonly DiagnosticDescriptor BadProposal = Error("SPEC018", "Invalid proposal",
        "Proposal '{0}': {1}", "Declare each proposal an extension names with a 'proposal' block, and gate only members it adds on a member of a declared flag set.");

    public static readonly DiagnosticDescriptor BadProfile = Error("SPEC019", "Invalid profile",
        "Profile '{0}': {1}", "Start from a declared profile, and name only declared flag sets, enums, TLV families and their members.");

    public static readonly ImmutableArray<DiagnosticDescriptor> All = ImmutableArray.Create(
        Syntax, UnknownType, Overlap, Gap, SizeMismatch, BadCondition, Duplicate, UnknownField, MissingNamespace,
        UnknownFlagSet, ValueTooLarge, Recursive, BadChecksum, BadTlv, BadSize, Unterminated, BadExtension, BadProposal, BadProfile);

    public static DiagnosticDescriptor ById(string id)
    {
        foreach (var d in All)
        {
            if (d.Id == id) return d;
        }
        return Syntax;
    }

    private static DiagnosticDescriptor Error(string id, string title, string message, string fix)
        => new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, description: fix);
}
