using System;
using System.Collections.Generic;
using Ext4Codec.Format;

namespace Ext4Codec.Versioning;

/// <summary>One way of writing the standard scenario (<see cref="WhiteoutScenario"/>).</summary>
/// <param name="Proposal">The proposal whose records carry the whiteouts; null for today's kernels, which make them with a full commit.</param>
/// <param name="Gated">The proposal's gate is set (false: the records are written without it, as a careless writer would).</param>
/// <param name="LaterCommit">The whiteouts come after a first fast commit that holds only the new file (false: in the first commit).</param>
public sealed record ScenarioVariant(ProposalLayout? Proposal, bool Gated, bool LaterCommit)
{
    /// <summary>
    /// "today", "fc_feature-gated-later", "CREAT_DEV-ungated-first" (the tag without any gate: the same bytes under
    /// every proposal that gates it), "static_whiteout-first" (its records need no gate).
    /// </summary>
    public string Name
    {
        get
        {
            string when = LaterCommit ? "later" : "first";
            if (Proposal is null) return "today";
            if (TagGate(Proposal) is not { } gate) return $"{Proposal.Id}-{when}";
            return Gated ? $"{Proposal.Id}-gated-{when}" : $"{gate.Member}-ungated-{when}";
        }
    }

    private static GateLayout? TagGate(ProposalLayout p) => Array.Find(p.Gates, g => g.Owner == nameof(FcTag));

    /// <summary>
    /// Every variant: today; each proposal with its gate, the whiteouts in the first or a later commit; each gated tag
    /// once without any gate (written under the first proposal that gates it).
    /// </summary>
    public static IReadOnlyList<ScenarioVariant> All()
    {
        var list = new List<ScenarioVariant> { new(null, true, true) };
        var ungated = new List<ScenarioVariant>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in SpecProposals.All)
        {
            foreach (bool later in new[] { false, true })
            {
                list.Add(new ScenarioVariant(p, true, later));
                var bare = new ScenarioVariant(p, false, later);
                if (TagGate(p) is not null && seen.Add(bare.Name)) ungated.Add(bare);
            }
        }
        list.AddRange(ungated);
        return list;
    }
}
