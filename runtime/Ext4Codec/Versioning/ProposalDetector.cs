using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Journal;

namespace Ext4Codec.Versioning;

/// <summary>
/// The proposals an image uses, found by the flags their gates and extensions add: a superblock feature bit a
/// proposal declares, or an fc_features bit in the fast-commit area's HEAD. No released reader knows any of them, so
/// an image carrying one was written for that proposal.
/// </summary>
public static class ProposalDetector
{
    public static List<ProposalLayout> Detect(Ext4FileSystem fs)
    {
        var found = new List<ProposalLayout>();
        uint head = HeadFeatures(fs);
        foreach (var proposal in SpecProposals.All)
        {
            if (Uses(proposal, nameof(Ext4FeatureCompat), (ulong)fs.Geometry.Compat) || Uses(proposal, nameof(Ext4FeatureIncompat), (ulong)fs.Geometry.Incompat)
                || Uses(proposal, nameof(Ext4FeatureRoCompat), (ulong)fs.Geometry.RoCompat) || Uses(proposal, nameof(FcFeatures), head))
                found.Add(proposal);
        }
        return found;
    }

    /// <summary>One proposal the image uses, or null when it uses none or several (the caller names one then).</summary>
    public static ProposalLayout? Single(Ext4FileSystem fs)
    {
        var found = Detect(fs);
        return found.Count == 1 ? found[0] : null;
    }

    /// <summary>Whether a set bit of <paramref name="value"/> is a member of <paramref name="set"/> that <paramref name="proposal"/> adds.</summary>
    private static bool Uses(ProposalLayout proposal, string set, ulong value)
    {
        if (value == 0) return false;
        foreach (var layout in SpecCatalog.FlagSets)
        {
            if (layout.TypeName != set) continue;
            foreach (var m in layout.Members)
                if ((value & m.Value) != 0 && System.Array.IndexOf(m.Proposal.Split(' '), proposal.Id) >= 0) return true;
        }
        return false;
    }

    /// <summary>fc_features of the HEAD at the start of the fast-commit area, or 0 when there is none.</summary>
    private static uint HeadFeatures(Ext4FileSystem fs)
    {
        try
        {
            if (!Jbd2Journal.TryOpen(fs, out var journal, out _)) return 0;
            var g = journal.Geometry;
            uint n = journal.NumFcBlocks != 0 ? journal.NumFcBlocks : JournalGeometry.DefaultFastCommitBlocks;
            if (n >= g.MaxLen || !journal.Store.TryRead(g.MaxLen - n + 1, out var block) || block.Length < 12) return 0;
            if (System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(block) != (ushort)FcTag.HEAD) return 0;
            return (uint)new FcHeadView(block.Slice(FcTagInfo.HeaderSize, FcHeadView.Size)).fc_features;
        }
        catch (CorruptDataException)
        {
            return 0;
        }
    }
}
