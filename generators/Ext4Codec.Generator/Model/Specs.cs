using Ext4Codec.Generator.Helpers;

namespace Ext4Codec.Generator.Model;

public enum ScalarKind { U8, U16, U32, U64, I8, I16, I32, I64 }

public enum FieldKind
{
    /// <summary>One integer.</summary>
    Scalar,
    /// <summary>A fixed array of integers (<c>u32[17]</c>); <c>u8[N]</c> is <see cref="Bytes"/>.</summary>
    ScalarArray,
    /// <summary>Raw bytes, <c>u8[N]</c>.</summary>
    Bytes,
    /// <summary>A NUL-padded fixed string, <c>char[N]</c>.</summary>
    Chars,
    /// <summary>A 16-byte UUID.</summary>
    Uuid,
    /// <summary>A nested structure.</summary>
    Struct,
    /// <summary>A fixed array of nested structures.</summary>
    StructArray,
    /// <summary>A flexible array member: the rest of the data.</summary>
    Flexible,
}

public enum Endian { Little, Big }

/// <summary>A field's type. <see cref="Count"/> is the element count of arrays; <see cref="StructName"/> the nested structure.</summary>
public sealed record TypeRef(FieldKind Kind, ScalarKind Scalar, int Count, string StructName);

/// <summary>
/// A field. <see cref="FromEnd"/> fields sit <see cref="Offset"/> bytes before the end of the data.
/// <see cref="Proposal"/> names the proposals (space separated) of an <c>extend struct</c> field; empty for the base format.
/// </summary>
public sealed record FieldSpec(
    string Key, string Name, int Offset, bool FromEnd, TypeRef Type, string FlagsType, string EnumType,
    Endian? Endian, Expr? When, string Since, string Doc, string Proposal = "");

public sealed record CombineSpec(string Key, string Name, string Lo, string Hi, Expr? When, string Since, string Doc);

public sealed record ParamSpec(string Key, string Name, TypeRef Type, string FlagsType, string Doc);

public enum ConstraintKind { Magic, Check, Reserved, Feature }

public sealed record ConstraintSpec(string Key, ConstraintKind Kind, string Field, ulong Value, Expr? Condition, string Message);

public enum ChecksumAlgorithm { Crc32c, Crc32, Crc16 }

public enum StepKind { Seed, Value, Bytes, Data, Zeros, XorOut }

/// <summary>A field inside a covered range read as zeros (<see cref="Skip"/> false) or left out.</summary>
public sealed record HoleSpec(string Field, bool Skip);

/// <summary>One input of a checksum, in feeding order. Value steps carry their byte encoding in <see cref="Scalar"/>/<see cref="Endian"/>.</summary>
public sealed record ChecksumStep(
    StepKind Kind, Expr? From, Expr? To, string Name, ScalarKind Scalar, Endian Endian, int Count, EquatableArray<HoleSpec> Holes);

/// <summary>Where a checksum lives: a field or combine, or a location computed from the data.</summary>
public sealed record StoreSpec(string Field, Expr? At, ScalarKind Scalar, Endian Endian);

public sealed record ChecksumSpec(
    string Key, string Name, ChecksumAlgorithm Algorithm, StoreSpec Store, Expr? When, string Feature, string Doc,
    EquatableArray<ParamSpec> Params, EquatableArray<ChecksumStep> Steps);

public sealed record StructSpec(
    string Key, string SpecName, string TypeName, int Size, int MinSize, Endian Endian, string Since, string Doc,
    EquatableArray<ParamSpec> Params, EquatableArray<FieldSpec> Fields, EquatableArray<CombineSpec> Combines,
    EquatableArray<ConstraintSpec> Constraints, EquatableArray<ChecksumSpec> Checksums);

/// <summary>A flag or enum member; <see cref="Proposal"/> as on <see cref="FieldSpec"/>.</summary>
public sealed record FlagMemberSpec(string Key, ulong Value, string Name, string Display, string Since, string Doc, string Proposal = "");

public sealed record FlagSetSpec(
    string Key, bool IsFlags, string TypeName, ScalarKind Base, string Doc, EquatableArray<FlagMemberSpec> Members);

public enum LengthRuleKind { Any, Equal, AtLeast, Range }

public sealed record LengthRule(LengthRuleKind Kind, Expr? Min, Expr? Max);

/// <summary>A tag of a TLV family; <see cref="Proposal"/> as on <see cref="FieldSpec"/>.</summary>
public sealed record TlvMemberSpec(string Key, ulong Value, string Name, string ValueStruct, LengthRule Length, string Since, string Doc, string Proposal = "");

public sealed record TlvSpec(
    string Key, string TypeName, string Header, string TagField, string LengthField, string Doc,
    EquatableArray<ParamSpec> Params, EquatableArray<TlvMemberSpec> Members);

public enum ExtensionKind { Flags, Enum, Tlv, Struct }

/// <summary>
/// <c>extend flags|enum|tlv|struct &lt;Target&gt; proposal &lt;id&gt;...</c>: members a proposal adds to a declaration of
/// another file (flag or enum members, tags, or fields carved out of a reserved field). The binder merges them into
/// the target, each marked with the proposals.
/// </summary>
public sealed record ExtensionSpec(
    string Key, ExtensionKind Kind, string Target, string Proposals, EquatableArray<FlagMemberSpec> FlagMembers,
    EquatableArray<TlvMemberSpec> TlvMembers, EquatableArray<FieldSpec> Fields);

/// <summary>
/// <c>gate &lt;Owner&gt;.&lt;Member&gt; requires &lt;FlagSet&gt;.&lt;FLAG&gt;</c>: under the proposal, the member (a tag, a flag or
/// enum member, or a field) may appear only while the flag is set wherever that flag set is stored.
/// </summary>
public sealed record GateSpec(string Key, string Owner, string Member, string FlagSet, string Flag, string Doc);

/// <summary>A format proposal: its gates, the sources it rests on and notes on what readers must then allow.</summary>
public sealed record ProposalSpec(
    string Key, string Id, string Doc, EquatableArray<GateSpec> Gates, EquatableArray<string> Sources, EquatableArray<string> Notes);

public enum KnowsMode { Members, Base, All, None }

/// <summary><c>knows &lt;Set&gt; &lt;MEMBER&gt;... | base | all | none [source "…"]</c>: which members of a flag set, enum or TLV family a reader knows.</summary>
public sealed record KnowsSpec(string Key, string Set, KnowsMode Mode, EquatableArray<string> Members, string Source);

/// <summary><c>behaviour &lt;Enum&gt; &lt;MEMBER&gt; [source "…"]</c>: one of the reader's behaviours, typed by a declared enum.</summary>
public sealed record BehaviourSpec(string Key, string Enum, string Member, string Source);

/// <summary>
/// A reader profile: what one version of one reader (a kernel, a checker) knows of the format and how it behaves.
/// <see cref="From"/> names the profile it starts from; its own lines replace the inherited ones for the same set or enum.
/// </summary>
public sealed record ProfileSpec(
    string Key, string Id, string Kind, string Version, string From, string Doc, EquatableArray<string> Sources,
    EquatableArray<KnowsSpec> Knows, EquatableArray<BehaviourSpec> Behaviours);

/// <summary>Everything one spec file declares. Locations live apart, in <see cref="ParsedSpec"/>.</summary>
public sealed record SpecFile(
    string Path, string Namespace, EquatableArray<FlagSetSpec> FlagSets, EquatableArray<StructSpec> Structs,
    EquatableArray<TlvSpec> Tlvs, EquatableArray<ExtensionSpec> Extensions, EquatableArray<ProposalSpec> Proposals,
    EquatableArray<ProfileSpec> Profiles);
