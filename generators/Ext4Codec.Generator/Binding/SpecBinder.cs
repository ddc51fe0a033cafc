using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Ext4Codec.Generator.Diagnostics;
using Ext4Codec.Generator.Helpers;
using Ext4Codec.Generator.Model;
using Ext4Codec.Generator.Parsing;
using Microsoft.CodeAnalysis;

namespace Ext4Codec.Generator.Binding;

public sealed record BindResult(EquatableArray<CodegenUnit> Units, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// Checks the parsed files of a compilation together: resolves structure, flag-set and field references across
/// files of one namespace, proves every layout tiles its bytes, and types every expression. A namespace with
/// errors emits nothing, so broken specs never produce half-right code.
/// </summary>
public sealed partial class SpecBinder
{
    private readonly Dictionary<string, SpecLocation> _locations = new();
    private readonly List<DiagnosticInfo> _diagnostics = new();
    private readonly Dictionary<string, StructSpec> _structs = new();
    private readonly Dictionary<string, FlagSetSpec> _flagSets = new();
    private readonly Dictionary<string, int> _sizes = new();
    private string _firstPath = "";

    public static BindResult Bind(IEnumerable<ParsedSpec> files)
    {
        var units = new List<CodegenUnit>();
        var diagnostics = new List<DiagnosticInfo>();
        var ordered = files.OrderBy(f => f.File.Path, System.StringComparer.Ordinal).ToList();
        foreach (var file in ordered) diagnostics.AddRange(file.Diagnostics);
        var byNamespace = ordered.Where(f => f.File.Namespace.Length > 0)
            .GroupBy(f => f.File.Namespace, System.StringComparer.Ordinal)
            .OrderBy(g => g.Key, System.StringComparer.Ordinal);
        foreach (var group in byNamespace)
        {
            var binder = new SpecBinder();
            var unit = binder.BindNamespace(group.Key, group.ToList());
            diagnostics.AddRange(binder._diagnostics);
            bool syntaxErrors = group.Any(f => f.Diagnostics.Count > 0);
            if (unit is not null && binder._diagnostics.Count == 0 && !syntaxErrors) units.Add(unit);
        }
        return new BindResult(units.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    private CodegenUnit? BindNamespace(string ns, List<ParsedSpec> files)
    {
        _firstPath = files[0].File.Path;
        foreach (var f in files)
        {
            foreach (var l in f.Locations) _locations[l.Key] = l.Location;
        }
        var flagSets = new List<FlagSetSpec>();
        var structs = new List<StructSpec>();
        var tlvs = new List<TlvSpec>();
        var typeNames = new HashSet<string>();
        foreach (var f in files)
        {
            foreach (var set in f.File.FlagSets)
            {
                if (!typeNames.Add(set.TypeName)) { Report(DiagnosticDescriptors.Duplicate, set.Key, set.TypeName, ns); continue; }
                _flagSets[set.TypeName] = set;
                flagSets.Add(set);
                CheckFlagSet(set);
            }
            foreach (var s in f.File.Structs)
            {
                if (_structs.ContainsKey(s.SpecName) || !typeNames.Add(s.TypeName + "View"))
                {
                    Report(DiagnosticDescriptors.Duplicate, s.Key, s.SpecName, ns);
                    continue;
                }
                _structs[s.SpecName] = s;
                structs.Add(s);
            }
            foreach (var t in f.File.Tlvs)
            {
                if (!typeNames.Add(t.TypeName)) { Report(DiagnosticDescriptors.Duplicate, t.Key, t.TypeName, ns); continue; }
                tlvs.Add(t);
            }
        }
        CollectProposals(files);
        ApplyExtensions(files, flagSets, structs, tlvs);
        foreach (var s in structs) ResolveSize(s, new HashSet<string>());
        foreach (var s in structs) CheckStruct(s);
        foreach (var t in tlvs) CheckTlv(t);
        var proposals = ResolveProposals(tlvs);
        var profiles = ResolveProfiles(files, tlvs);
        var sizes = structs.Select(s => new StructSize(s.SpecName, s.TypeName, s.Size)).ToEquatableArray();
        return new CodegenUnit(ns, flagSets.ToEquatableArray(), structs.ToEquatableArray(), tlvs.ToEquatableArray(), sizes, proposals, profiles);
    }

    private void CheckFlagSet(FlagSetSpec set)
    {
        var names = new HashSet<string>();
        int bits = LayoutMath.Width(set.Base) * 8;
        foreach (var m in set.Members)
        {
            if (!names.Add(m.Name)) Report(DiagnosticDescriptors.Duplicate, m.Key, m.Name, set.TypeName);
            if (bits < 64 && m.Value >> bits != 0)
                Report(DiagnosticDescriptors.ValueTooLarge, m.Key, m.Value.ToString("X", CultureInfo.InvariantCulture), set.Base.ToString().ToLowerInvariant());
        }
    }

    /// <summary>Computes nested sizes depth first; a structure met again on its own path is a cycle.</summary>
    private void ResolveSize(StructSpec s, HashSet<string> path)
    {
        if (_sizes.ContainsKey(s.SpecName)) return;
        if (!path.Add(s.SpecName))
        {
            Report(DiagnosticDescriptors.Recursive, s.Key, s.SpecName);
            _sizes[s.SpecName] = 0;
            return;
        }
        foreach (var f in s.Fields)
        {
            if (f.Type.Kind is FieldKind.Struct or FieldKind.StructArray && _structs.TryGetValue(f.Type.StructName, out var nested))
                ResolveSize(nested, path);
        }
        path.Remove(s.SpecName);
        _sizes[s.SpecName] = s.Size;
    }

    private void Report(DiagnosticDescriptor descriptor, string key, params string[] args)
    {
        if (!_locations.TryGetValue(key, out var location))
        {
            // Fall back to the owning declaration (keys nest with '|'), then to the top of the file.
            string k = key;
            location = new SpecLocation(_firstPath, 1, 1, 1);
            while (k.LastIndexOf('|') is int i && i > 0)
            {
                k = k.Substring(0, i);
                if (_locations.TryGetValue(k, out var owner)) { location = owner; break; }
            }
        }
        _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, args));
    }
}
