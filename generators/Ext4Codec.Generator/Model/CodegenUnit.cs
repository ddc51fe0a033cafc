using Ext4Codec.Generator.Helpers;

namespace Ext4Codec.Generator.Model;

public sealed record StructSize(string SpecName, string TypeName, int Size);

/// <summary>Everything one namespace declares, checked and resolved, free of locations: the emitter's only input.</summary>
public sealed record CodegenUnit(
    string Namespace, EquatableArray<FlagSetSpec> FlagSets, EquatableArray<StructSpec> Structs, EquatableArray<TlvSpec> Tlvs,
    EquatableArray<StructSize> Sizes);
