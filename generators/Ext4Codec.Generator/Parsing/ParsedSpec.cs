using Ext4Codec.Generator.Diagnostics;
using Ext4Codec.Generator.Helpers;
using Ext4Codec.Generator.Model;

namespace Ext4Codec.Generator.Parsing;

public sealed record KeyedLocation(string Key, SpecLocation Location);

/// <summary>The parser's output for one file: the model, where each declaration stands, and syntax errors.</summary>
public sealed record ParsedSpec(SpecFile File, EquatableArray<KeyedLocation> Locations, EquatableArray<DiagnosticInfo> Diagnostics);
