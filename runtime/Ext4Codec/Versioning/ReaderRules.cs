using System;
using System.Collections.Generic;
using Ext4Codec.FastCommit;
using Ext4Codec.Format;

namespace Ext4Codec.Versioning;

/// <summary>
/// A reader profile (format-specs/profiles, generated into <see cref="ReaderProfiles"/>) as typed rules, optionally
/// with the proposal the reader implements: the feature bits it knows, what it does with the ones it does not, and
/// how its fast-commit scan and replay behave. A proposal's members count as known only when the profile knows them
/// and they belong to that proposal (a reader implementing proposal B does not know proposal A's HEAD bit).
/// </summary>
public sealed class ReaderRules
{
    private ReaderRules(ReaderProfile profile, ProposalLayout? proposal, bool adopt)
    {
        Profile = profile;
        Proposal = proposal;
        KnownCompat = (Ext4FeatureCompat)(Mask(profile, nameof(Ext4FeatureCompat), proposal) | (adopt ? Added(nameof(Ext4FeatureCompat), proposal!) : 0));
        KnownIncompat = (Ext4FeatureIncompat)(Mask(profile, nameof(Ext4FeatureIncompat), proposal) | (adopt ? Added(nameof(Ext4FeatureIncompat), proposal!) : 0));
        KnownRoCompat = (Ext4FeatureRoCompat)(Mask(profile, nameof(Ext4FeatureRoCompat), proposal) | (adopt ? Added(nameof(Ext4FeatureRoCompat), proposal!) : 0));
        KnownJournalIncompat = (JournalFeatureIncompat)Mask(profile, nameof(JournalFeatureIncompat), proposal);
        KnownJournalRoCompat = (JournalFeatureRoCompat)Mask(profile, nameof(JournalFeatureRoCompat), proposal);
        UnknownCompat = Behaviour<ReaderUnknownCompat>(profile);
        UnknownRoCompat = Behaviour<ReaderUnknownRoCompat>(profile);
        ReplayGate = Behaviour<FcReplayGate>(profile);
        RecoveryFailure = Behaviour<RecoveryFailure>(profile);
        SpecialInodes = Behaviour<SpecialInodeReplay>(profile);
        var tags = new List<ushort>();
        var knowledge = profile.KnowledgeOf(nameof(FcTag));
        if (knowledge is not null)
            foreach (ulong t in knowledge.Values)
                if (Belongs(FcTagInfo.Layout.Tags, t, proposal)) tags.Add((ushort)t);
        var gates = new List<FcTagGate>();
        if (proposal is not null)
        {
            foreach (var g in proposal.Gates)
            {
                if (g.Owner != nameof(FcTag)) continue;
                gates.Add(new FcTagGate((FcTag)g.MemberValue, g.FlagSet == nameof(FcFeatures), (uint)g.FlagValue));
            }
        }
        Scan = new FcScanRules(Behaviour<FcScanBound>(profile), Behaviour<FcLengthChecks>(profile), Behaviour<FcStaleHead>(profile),
            tags.ToArray(), (uint)Mask(profile, nameof(FcFeatures), proposal), gates.ToArray());
    }

    public ReaderProfile Profile { get; }

    /// <summary>The proposal the reader implements, or null for a reader of the base format.</summary>
    public ProposalLayout? Proposal { get; }

    /// <summary>The profile's id, with the proposal after a '+' when there is one.</summary>
    public string Id => Proposal is null ? Profile.Id : Profile.Id + "+" + Proposal.Id;

    /// <summary>"Linux 6.18", "e2fsck 1.47.0", "ext4codec 0.1 (proposal fc_feature)".</summary>
    public string Name => (IsKernel ? "Linux" : Profile.Id.Split('_')[0]) + " " + Profile.Version + (Proposal is null ? "" : " (proposal " + Proposal.Id + ")");

    public bool IsKernel => Profile.Kind == "kernel";

    public bool IsChecker => Profile.Kind == "checker";

    public Ext4FeatureCompat KnownCompat { get; }

    public Ext4FeatureIncompat KnownIncompat { get; }

    public Ext4FeatureRoCompat KnownRoCompat { get; }

    public JournalFeatureIncompat KnownJournalIncompat { get; }

    public JournalFeatureRoCompat KnownJournalRoCompat { get; }

    public ReaderUnknownCompat UnknownCompat { get; }

    public ReaderUnknownRoCompat UnknownRoCompat { get; }

    public FcReplayGate ReplayGate { get; }

    public RecoveryFailure RecoveryFailure { get; }

    public SpecialInodeReplay SpecialInodes { get; }

    public FcScanRules Scan { get; }

    /// <summary>The rules of a profile, with the proposal it implements (null: none).</summary>
    /// <exception cref="ArgumentException">The profile leaves a behaviour unstated.</exception>
    public static ReaderRules Of(ReaderProfile profile, ProposalLayout? proposal = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new ReaderRules(profile, proposal, adopt: false);
    }

    /// <summary>
    /// A released reader taught one proposal: its profile plus the superblock features the proposal adds (for a
    /// checker that knows the proposal's rules, <c>check --proposal</c>).
    /// </summary>
    public static ReaderRules Implementing(ReaderProfile profile, ProposalLayout proposal)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(proposal);
        return new ReaderRules(profile, proposal, adopt: true);
    }

    /// <summary>The members of a flag set the proposal adds.</summary>
    private static ulong Added(string set, ProposalLayout proposal)
    {
        ulong mask = 0;
        var layout = FlagSet(set);
        if (layout is null) return 0;
        foreach (var m in layout.Members)
            if (m.Proposal.Length > 0 && HasProposal(m.Proposal, proposal.Id)) mask |= m.Value;
        return mask;
    }

    /// <summary>The readers that exist (every profile but this project's own), oldest kernel first, then the checkers.</summary>
    public static IReadOnlyList<ReaderRules> Released { get; } = Build(includeOwn: false);

    /// <summary>
    /// The released reader of <paramref name="kind"/> ("kernel", "checker") whose version is the highest not above
    /// <paramref name="version"/> ("6.18.44-fc-v1147", "1.47.0"): the profile that describes a reader one can run. Null when
    /// every profile of that kind is newer.
    /// </summary>
    public static ReaderRules? Describing(string kind, string version)
    {
        var running = VersionNumbers(version);
        ReaderRules? best = null;
        foreach (var r in Released)
        {
            if (r.Profile.Kind != kind || Compare(VersionNumbers(r.Profile.Version), running) > 0) continue;
            if (best is null || Compare(VersionNumbers(r.Profile.Version), VersionNumbers(best.Profile.Version)) > 0) best = r;
        }
        return best;
    }

    /// <summary>The leading dotted numbers of a version string: "6.18.44-fc" is 6, 18, 44.</summary>
    private static List<int> VersionNumbers(string version)
    {
        var numbers = new List<int>();
        int value = -1;
        foreach (char c in version)
        {
            if (c >= '0' && c <= '9') value = (value < 0 ? 0 : value * 10) + (c - '0');
            else if (c == '.' && value >= 0) { numbers.Add(value); value = -1; }
            else break;
            if (value > 1_000_000) break;
        }
        if (value >= 0) numbers.Add(value);
        return numbers;
    }

    private static int Compare(List<int> a, List<int> b)
    {
        for (int i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            int x = i < a.Count ? a[i] : 0, y = i < b.Count ? b[i] : 0;
            if (x != y) return x.CompareTo(y);
        }
        return 0;
    }

    private static List<ReaderRules> Build(bool includeOwn)
    {
        var list = new List<ReaderRules>();
        foreach (var p in ReaderProfiles.All)
            if (includeOwn || p.Kind != "tool") list.Add(Of(p));
        return list;
    }

    /// <summary>The bits of a flag set (or values of an enum or TLV) the profile knows, less other proposals' members.</summary>
    private static ulong Mask(ReaderProfile profile, string set, ProposalLayout? proposal)
    {
        var knowledge = profile.KnowledgeOf(set);
        if (knowledge is null) return 0;
        var layout = FlagSet(set);
        ulong mask = 0;
        foreach (ulong v in knowledge.Values)
        {
            var member = layout?.Find(v);
            if (member is null || member.Proposal.Length == 0 || (proposal is not null && HasProposal(member.Proposal, proposal.Id))) mask |= v;
        }
        return mask;
    }

    private static bool Belongs(TlvTagLayout[] tags, ulong value, ProposalLayout? proposal)
    {
        foreach (var t in tags)
            if (t.Value == value) return t.Proposal.Length == 0 || (proposal is not null && HasProposal(t.Proposal, proposal.Id));
        return true;
    }

    private static bool HasProposal(string proposals, string id) => Array.IndexOf(proposals.Split(' '), id) >= 0;

    private static FlagSetLayout? FlagSet(string name)
    {
        foreach (var f in SpecCatalog.FlagSets)
            if (f.TypeName == name) return f;
        return null;
    }

    /// <summary>The profile's member of a behaviour enum (every behaviour enum is a u8 one).</summary>
    private static T Behaviour<T>(ReaderProfile profile) where T : struct, Enum
    {
        var b = profile.BehaviourOf(typeof(T).Name) ?? throw new ArgumentException($"profile {profile.Id} states no {typeof(T).Name}", nameof(profile));
        return (T)(object)(byte)b.Value;
    }
}
