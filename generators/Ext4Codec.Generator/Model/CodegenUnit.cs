using Ext4Codec.Generator.Helpers;

namespace Ext4Codec.Generator.Model;

public sealed record StructSize(string SpecName, string TypeName, int Size);

/// <summary>A gate resolved to values: the gated member's value (or field offset) and the flag's value.</summary>
public sealed record ResolvedGate(string Owner, string Member, ulong MemberValue, string FlagSet, string Flag, ulong FlagValue, string Doc);

public sealed record ResolvedProposal(string Id, string Doc, EquatableArray<ResolvedGate> Gates, EquatableArray<string> Sources, EquatableArray<string> Notes);

/// <summary>What a profile knows of one set: the values of the members it knows, with the source that says so.</summary>
public sealed record ResolvedKnows(string Set, bool IsFlags, EquatableArray<ulong> Values, EquatableArray<string> Members, string Source);

public sealed record ResolvedBehaviour(string Enum, string Member, ulong Value, string Source);

/// <summary>A profile with its inheritance applied: every set and behaviour it has, own or inherited.</summary>
public sealed record ResolvedProfile(
    string Id, string Kind, string Version, string From, string Doc, EquatableArray<string> Sources,
    EquatableArray<ResolvedKnows> Knows, EquatableArray<ResolvedBehaviour> Behaviours);

/// <summary>Everything one namespace declares, checked and resolved, free of locations: the emitter's only input.</summary>
public sealed record CodegenUnit(
    string Namespace, EquatableArray<FlagSetSpec> FlagSets, EquatableArray<StructSpec> Structs, EquatableArray<TlvSpec> Tlvs,
    EquatableArray<StructSize> Sizes, EquatableArray<ResolvedProposal> Proposals, EquatableArray<ResolvedProfile> Profiles);
