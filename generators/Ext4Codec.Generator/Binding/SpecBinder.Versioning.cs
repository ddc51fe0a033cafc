using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Ext4Codec.Generator.Diagnostics;
using Ext4Codec.Generator.Helpers;
using Ext4Codec.Generator.Model;
using Ext4Codec.Generator.Parsing;

namespace Ext4Codec.Generator.Binding;

/// <summary>
/// Format versioning: merges <c>extend</c> blocks into the declarations they extend (members marked with their
/// proposals; struct fields carved out of a reserved field), resolves proposal gates to values, and applies profile
/// inheritance so each profile carries every set it knows.
/// </summary>
public sealed partial class SpecBinder
{
    private readonly Dictionary<string, ProposalSpec> _proposals = new();

    private void CollectProposals(List<ParsedSpec> files)
    {
        foreach (var f in files)
        {
            foreach (var p in f.File.Proposals)
            {
                if (_proposals.ContainsKey(p.Id)) Report(DiagnosticDescriptors.Duplicate, p.Key, p.Id, "proposals");
                else _proposals[p.Id] = p;
            }
        }
    }

    /// <summary>Applies every extension to the flag sets, structures and TLV families it names (in place, by index).</summary>
    private void ApplyExtensions(List<ParsedSpec> files, List<FlagSetSpec> flagSets, List<StructSpec> structs, List<TlvSpec> tlvs)
    {
        foreach (var f in files)
        {
            foreach (var e in f.File.Extensions)
            {
                foreach (string id in e.Proposals.Split(' '))
                {
                    if (!_proposals.ContainsKey(id)) Report(DiagnosticDescriptors.BadProposal, e.Key, id, "no 'proposal " + id + "' block declares it");
                }
                switch (e.Kind)
                {
                    case ExtensionKind.Flags:
                    case ExtensionKind.Enum:
                        ExtendFlagSet(e, flagSets);
                        break;
                    case ExtensionKind.Tlv:
                        int t = tlvs.FindIndex(x => x.TypeName == e.Target);
                        if (t < 0) Report(DiagnosticDescriptors.BadExtension, e.Key, e.Target, "no TLV family of that name is declared");
                        else tlvs[t] = tlvs[t] with { Members = tlvs[t].Members.Concat(e.TlvMembers).ToEquatableArray() };
                        break;
                    default:
                        ExtendStruct(e, structs);
                        break;
                }
            }
        }
    }

    private void ExtendFlagSet(ExtensionSpec e, List<FlagSetSpec> flagSets)
    {
        int i = flagSets.FindIndex(x => x.TypeName == e.Target);
        if (i < 0 || flagSets[i].IsFlags != (e.Kind == ExtensionKind.Flags))
        {
            Report(DiagnosticDescriptors.BadExtension, e.Key, e.Target, i < 0 ? "no flag set or enum of that name is declared" : flagSets[i].IsFlags ? "it is a flag set: use 'extend flags'" : "it is an enum: use 'extend enum'");
            return;
        }
        var set = flagSets[i];
        foreach (var m in e.FlagMembers)
        {
            var clash = set.Members.FirstOrDefault(x => x.Value == m.Value);
            if (clash is not null && set.IsFlags)
                Report(DiagnosticDescriptors.BadExtension, m.Key, e.Target, $"0x{m.Value.ToString("X", CultureInfo.InvariantCulture)} is already {clash.Name}");
        }
        var merged = set with { Members = set.Members.Concat(e.FlagMembers).ToEquatableArray() };
        flagSets[i] = merged;
        _flagSets[merged.TypeName] = merged;
    }

    /// <summary>
    /// Each added field must lie inside a field the base declares <c>reserved</c>; that field is split around it,
    /// its first remaining piece keeping the name (and every piece staying reserved), the others named name_2, name_3, ...
    /// </summary>
    private void ExtendStruct(ExtensionSpec e, List<StructSpec> structs)
    {
        int i = structs.FindIndex(x => x.SpecName == e.Target);
        if (i < 0)
        {
            Report(DiagnosticDescriptors.BadExtension, e.Key, e.Target, "no structure of that name is declared");
            return;
        }
        var s = structs[i];
        var fields = s.Fields.ToList();
        var constraints = s.Constraints.ToList();
        foreach (var added in e.Fields)
        {
            int width = LayoutMath.Width(added.Type, _sizes);
            if (added.FromEnd || added.Type.Kind is FieldKind.Flexible or FieldKind.Struct or FieldKind.StructArray)
            {
                Report(DiagnosticDescriptors.BadExtension, added.Key, e.Target, $"'{added.Name}' must be a fixed-offset integer, byte or string field");
                continue;
            }
            var host = fields.FirstOrDefault(x => !x.FromEnd && x.Type.Kind == FieldKind.Bytes && x.Offset <= added.Offset && added.Offset + width <= x.Offset + x.Type.Count
                && constraints.Any(k => k.Kind == ConstraintKind.Reserved && k.Field == x.Name));
            if (host is null)
            {
                Report(DiagnosticDescriptors.BadExtension, added.Key, e.Target, $"'{added.Name}' at 0x{added.Offset.ToString("X", CultureInfo.InvariantCulture)} does not lie inside a reserved u8[] field");
                continue;
            }
            fields.Remove(host);
            var reserved = constraints.First(k => k.Kind == ConstraintKind.Reserved && k.Field == host.Name);
            constraints.Remove(reserved);
            fields.Add(added);
            int before = added.Offset - host.Offset, after = host.Offset + host.Type.Count - (added.Offset + width);
            var pieces = new List<FieldSpec>();
            if (before > 0) pieces.Add(host with { Type = host.Type with { Count = before } });
            if (after > 0) pieces.Add(host with { Offset = added.Offset + width, Type = host.Type with { Count = after } });
            for (int p = 0; p < pieces.Count; p++)
            {
                string name = RemainderName(host.Name, p, fields);
                var piece = pieces[p] with { Name = name, Key = host.Key + (p == 0 ? "" : "|" + name) };
                fields.Add(piece);
                constraints.Add(reserved with { Field = name });
            }
        }
        structs[i] = s with
        {
            Fields = fields.OrderBy(x => x.FromEnd).ThenBy(x => x.FromEnd ? -x.Offset : x.Offset).ToEquatableArray(),
            Constraints = constraints.ToEquatableArray(),
        };
        _structs[s.SpecName] = structs[i];
    }

    /// <summary>The first piece keeps the reserved field's name; later ones take the next free name_N.</summary>
    private static string RemainderName(string name, int piece, List<FieldSpec> fields)
    {
        if (piece == 0 && fields.All(f => f.Name != name)) return name;
        for (int n = 2; ; n++)
        {
            string candidate = name + "_" + n.ToString(CultureInfo.InvariantCulture);
            if (fields.All(f => f.Name != candidate)) return candidate;
        }
    }

    private EquatableArray<ResolvedProposal> ResolveProposals(List<TlvSpec> tlvs)
    {
        var resolved = new List<ResolvedProposal>();
        foreach (var p in _proposals.Values.OrderBy(x => x.Id, System.StringComparer.Ordinal))
        {
            var gates = new List<ResolvedGate>();
            foreach (var g in p.Gates)
            {
                if (!TryGatedValue(g, p.Id, tlvs, out ulong memberValue)) continue;
                if (!_flagSets.TryGetValue(g.FlagSet, out var set) || !set.IsFlags)
                {
                    Report(DiagnosticDescriptors.BadProposal, g.Key, p.Id, $"'{g.FlagSet}' is not a declared flag set");
                    continue;
                }
                var flag = set.Members.FirstOrDefault(m => m.Name == g.Flag);
                if (flag is null)
                {
                    Report(DiagnosticDescriptors.BadProposal, g.Key, p.Id, $"'{g.Flag}' is not a member of {g.FlagSet}");
                    continue;
                }
                gates.Add(new ResolvedGate(g.Owner, g.Member, memberValue, g.FlagSet, g.Flag, flag.Value, g.Doc));
            }
            resolved.Add(new ResolvedProposal(p.Id, p.Doc, gates.ToEquatableArray(), p.Sources, p.Notes));
        }
        return resolved.ToEquatableArray();
    }

    /// <summary>The gated member's value (a tag or flag value, or a field's offset); it must be one the proposal adds.</summary>
    private bool TryGatedValue(GateSpec g, string proposal, List<TlvSpec> tlvs, out ulong value)
    {
        value = 0;
        string memberProposals;
        var tlv = tlvs.FirstOrDefault(t => t.TypeName == g.Owner);
        if (tlv is not null)
        {
            var m = tlv.Members.FirstOrDefault(x => x.Name == g.Member);
            if (m is null) return GateError(g, proposal, $"'{g.Member}' is not a tag of {g.Owner}");
            value = m.Value;
            memberProposals = m.Proposal;
        }
        else if (_flagSets.TryGetValue(g.Owner, out var set))
        {
            var m = set.Members.FirstOrDefault(x => x.Name == g.Member);
            if (m is null) return GateError(g, proposal, $"'{g.Member}' is not a member of {g.Owner}");
            value = m.Value;
            memberProposals = m.Proposal;
        }
        else if (_structs.TryGetValue(g.Owner, out var s))
        {
            var f = s.Fields.FirstOrDefault(x => x.Name == g.Member);
            if (f is null) return GateError(g, proposal, $"'{g.Member}' is not a field of {g.Owner}");
            value = (ulong)f.Offset;
            memberProposals = f.Proposal;
        }
        else
        {
            return GateError(g, proposal, $"'{g.Owner}' is not a declared TLV family, flag set, enum or structure");
        }
        if (System.Array.IndexOf(memberProposals.Split(' '), proposal) < 0)
            return GateError(g, proposal, $"'{g.Owner}.{g.Member}' is not added by this proposal (gate only what an 'extend … proposal {proposal}' block adds)");
        return true;
    }

    private bool GateError(GateSpec g, string proposal, string why)
    {
        Report(DiagnosticDescriptors.BadProposal, g.Key, proposal, why);
        return false;
    }

    private EquatableArray<ResolvedProfile> ResolveProfiles(List<ParsedSpec> files, List<TlvSpec> tlvs)
    {
        var specs = new Dictionary<string, ProfileSpec>();
        var order = new List<ProfileSpec>();
        foreach (var f in files)
        {
            foreach (var p in f.File.Profiles)
            {
                if (specs.ContainsKey(p.Id)) { Report(DiagnosticDescriptors.Duplicate, p.Key, p.Id, "profiles"); continue; }
                specs[p.Id] = p;
                order.Add(p);
            }
        }
        var done = new Dictionary<string, ResolvedProfile>();
        foreach (var p in order) Resolve(p, specs, done, tlvs, new HashSet<string>());
        return order.Where(p => done.ContainsKey(p.Id)).Select(p => done[p.Id]).ToEquatableArray();
    }

    private ResolvedProfile? Resolve(ProfileSpec p, Dictionary<string, ProfileSpec> specs, Dictionary<string, ResolvedProfile> done, List<TlvSpec> tlvs, HashSet<string> path)
    {
        if (done.TryGetValue(p.Id, out var ready)) return ready;
        if (!path.Add(p.Id))
        {
            Report(DiagnosticDescriptors.BadProfile, p.Key, p.Id, "it starts from itself (a 'from' cycle)");
            return null;
        }
        var knows = new List<ResolvedKnows>();
        var behaviours = new List<ResolvedBehaviour>();
        if (p.From.Length > 0)
        {
            if (!specs.TryGetValue(p.From, out var parentSpec)) Report(DiagnosticDescriptors.BadProfile, p.Key, p.Id, $"'from {p.From}' names no declared profile");
            else if (Resolve(parentSpec, specs, done, tlvs, path) is { } parent)
            {
                knows.AddRange(parent.Knows);
                behaviours.AddRange(parent.Behaviours);
            }
        }
        foreach (var k in p.Knows)
        {
            if (ResolveKnows(k, p.Id, tlvs) is not { } r) continue;
            knows.RemoveAll(x => x.Set == r.Set);
            knows.Add(r);
        }
        foreach (var b in p.Behaviours)
        {
            if (!_flagSets.TryGetValue(b.Enum, out var set) || set.IsFlags)
            {
                Report(DiagnosticDescriptors.BadProfile, b.Key, p.Id, $"'{b.Enum}' is not a declared enum");
                continue;
            }
            var m = set.Members.FirstOrDefault(x => x.Name == b.Member);
            if (m is null)
            {
                Report(DiagnosticDescriptors.BadProfile, b.Key, p.Id, $"'{b.Member}' is not a member of {b.Enum}");
                continue;
            }
            behaviours.RemoveAll(x => x.Enum == b.Enum);
            behaviours.Add(new ResolvedBehaviour(b.Enum, b.Member, m.Value, b.Source));
        }
        path.Remove(p.Id);
        var result = new ResolvedProfile(p.Id, p.Kind, p.Version, p.From, p.Doc, p.Sources,
            knows.OrderBy(x => x.Set, System.StringComparer.Ordinal).ToEquatableArray(),
            behaviours.OrderBy(x => x.Enum, System.StringComparer.Ordinal).ToEquatableArray());
        done[p.Id] = result;
        return result;
    }

    private ResolvedKnows? ResolveKnows(KnowsSpec k, string profile, List<TlvSpec> tlvs)
    {
        List<(string Name, ulong Value, string Proposal)> members;
        bool isFlags = false;
        if (_flagSets.TryGetValue(k.Set, out var set))
        {
            members = set.Members.Select(m => (m.Name, m.Value, m.Proposal)).ToList();
            isFlags = set.IsFlags;
        }
        else if (tlvs.FirstOrDefault(t => t.TypeName == k.Set) is { } tlv)
        {
            members = tlv.Members.Select(m => (m.Name, m.Value, m.Proposal)).ToList();
        }
        else
        {
            Report(DiagnosticDescriptors.BadProfile, k.Key, profile, $"'{k.Set}' is not a declared flag set, enum or TLV family");
            return null;
        }
        var chosen = new List<(string Name, ulong Value)>();
        switch (k.Mode)
        {
            case KnowsMode.All:
                chosen.AddRange(members.Select(m => (m.Name, m.Value)));
                break;
            case KnowsMode.Base:
                chosen.AddRange(members.Where(m => m.Proposal.Length == 0).Select(m => (m.Name, m.Value)));
                break;
            case KnowsMode.Members:
                foreach (string name in k.Members)
                {
                    var m = members.FirstOrDefault(x => x.Name == name);
                    if (m.Name is null) Report(DiagnosticDescriptors.BadProfile, k.Key, profile, $"'{name}' is not a member of {k.Set}");
                    else if (chosen.Any(x => x.Name == name)) Report(DiagnosticDescriptors.Duplicate, k.Key, name, profile + " knows " + k.Set);
                    else chosen.Add((m.Name, m.Value));
                }
                break;
        }
        return new ResolvedKnows(k.Set, isFlags, chosen.Select(x => x.Value).ToEquatableArray(), chosen.Select(x => x.Name).ToEquatableArray(), k.Source);
    }
}
