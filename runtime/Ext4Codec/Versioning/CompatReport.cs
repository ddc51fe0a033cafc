using System;
using System.Collections.Generic;
using System.IO;
using Ext4Codec.Format;
using Ext4Codec.Imaging;

namespace Ext4Codec.Versioning;

/// <summary>Every reader's verdict on one image, and this project's own (implementing the image's proposal).</summary>
public sealed record CompatReport(string Image, ProposalLayout? Proposal, int ExpectedRecords, IReadOnlyList<string> ExpectedWhiteouts, IReadOnlyList<ReaderVerdict> Verdicts)
{
    /// <summary>The readers that replay fewer records than the area's valid commits hold, without an error.</summary>
    public IEnumerable<ReaderVerdict> SilentDrops
    {
        get
        {
            foreach (var v in Verdicts)
                if (v.Replay.SilentlyDropped > 0 && v.Access.Kind != AccessKind.Refused) yield return v;
        }
    }

    /// <summary>Judges <paramref name="image"/> under every released reader and ext4codec with <paramref name="proposal"/>.</summary>
    public static CompatReport Of(DiskImage image, string name, ProposalLayout? proposal)
    {
        using var judge = new CompatJudge(image, proposal);
        var verdicts = new List<ReaderVerdict>();
        foreach (var reader in ReaderRules.Released) verdicts.Add(judge.Judge(reader));
        verdicts.Add(judge.Judge(judge.Intended));
        return new CompatReport(name, proposal, judge.ExpectedRecords, judge.ExpectedWhiteouts, verdicts);
    }
}

/// <summary>The standard scenario written every way (<see cref="ScenarioVariant.All"/>), each judged by every reader.</summary>
public sealed record ScenarioSummary(string UpperPath, IReadOnlyList<(ScenarioVariant Variant, CompatReport Report)> Rows)
{
    /// <summary>Writes each variant on a private copy of <paramref name="baseImage"/> (kept as a file in <paramref name="saveTo"/> when given) and judges it.</summary>
    /// <exception cref="FastCommit.FcWriteRefusedException">The base image cannot take the scenario.</exception>
    public static ScenarioSummary Of(DiskImage baseImage, string upperPath, string? saveTo = null)
    {
        var rows = new List<(ScenarioVariant, CompatReport)>();
        foreach (var variant in ScenarioVariant.All())
        {
            using var view = baseImage.PrivateCopy();
            WhiteoutScenario.Write(view, upperPath, variant);
            if (saveTo is not null) view.SaveSparse(Path.Combine(saveTo, variant.Name + ".img"));
            // Judged as the image's own reader would see it: today's full-commit state has no proposal in it.
            rows.Add((variant, CompatReport.Of(view, variant.Name, variant.Proposal)));
        }
        return new ScenarioSummary(upperPath, rows);
    }
}
