using System;
using System.Collections.Generic;
using System.IO;
using Ext4Codec.Checking;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Imaging;
using Ext4Codec.Journal;
using Ext4Codec.Versioning;

namespace Ext4Codec.Live;

/// <summary>
/// Sets the model's predictions for a scenario image beside what the running kernel and the local e2fsck do with
/// it: the plain mount (outcome, whiteouts, what an overlay hides), <c>e2fsck -fn</c> (exit code) and
/// <c>e2fsck -fy</c> (refusal, journal recovery, whiteouts after), each predicted with one kernel and one e2fsck
/// profile; then this project's replay of the image (implementing its proposal) mounted and checked the same way.
/// Without an observer it gives the predictions alone (Observed empty), to compare with recorded observations.
/// </summary>
public sealed class CompatVerification
{
    private readonly CompatObserver? _observer;
    private readonly string _scratch;

    /// <param name="observer">The live system, or null for predictions only.</param>
    /// <param name="scratch">A folder for the replayed copy.</param>
    public CompatVerification(ReaderRules kernel, ReaderRules checker, CompatObserver? observer, string scratch)
    {
        if (!kernel.IsKernel) throw new ArgumentException(kernel.Name + " is not a kernel", nameof(kernel));
        if (!checker.IsChecker) throw new ArgumentException(checker.Name + " is not a checker", nameof(checker));
        Kernel = kernel;
        Checker = checker;
        _observer = observer;
        _scratch = scratch;
    }

    /// <summary>Verification against the running kernel and the local e2fsck, with the profiles that describe them.</summary>
    /// <exception cref="InvalidOperationException">No profile describes the running kernel or the local e2fsck.</exception>
    public static CompatVerification OfRunningSystem(CompatObserver observer, string scratch)
    {
        var kernel = ReaderRules.Describing("kernel", CompatObserver.KernelRelease)
            ?? throw new InvalidOperationException($"no kernel profile describes the running kernel {CompatObserver.KernelRelease}");
        var checker = ReaderRules.Describing("checker", CompatObserver.E2fsckVersion)
            ?? throw new InvalidOperationException($"no e2fsck profile describes the local e2fsck '{CompatObserver.E2fsckVersion}'");
        return new CompatVerification(kernel, checker, observer, scratch);
    }

    /// <summary>The profile the mount predictions are made with.</summary>
    public ReaderRules Kernel { get; }

    /// <summary>The profile the e2fsck predictions are made with.</summary>
    public ReaderRules Checker { get; }

    /// <summary>The rows for the scenario image at <paramref name="imagePath"/>, written for <paramref name="proposal"/>.</summary>
    public List<CompatCheckRow> Verify(string imagePath, string variant, ProposalLayout? proposal, string upperPath)
    {
        var rows = new List<CompatCheckRow>();
        AddReaders(rows, variant, "", imagePath, proposal, upperPath, repair: true);
        if (proposal is null) return rows;
        string replayed = Path.Combine(_scratch, "replayed.img");
        try
        {
            // An image this project's reader refuses to recover (an ungated CREAT_DEV before any valid commit) has no replay to look at.
            if (TryReplay(imagePath, proposal, replayed)) AddReaders(rows, variant, "replay+", replayed, null, upperPath, repair: false);
        }
        finally
        {
            File.Delete(replayed);
        }
        return rows;
    }

    private void AddReaders(List<CompatCheckRow> rows, string variant, string prefix, string path, ProposalLayout? proposal, string upperPath, bool repair)
    {
        MountSight mount;
        string readOnly, repaired = "";
        using (var image = DiskImage.Open(path))
        {
            using var judge = new CompatJudge(image, proposal);
            mount = SightPrediction.Mount(judge.Judge(Kernel), upperPath, WhiteoutScenario.LowerNames);
            readOnly = "exit " + FsckChecker.Check(image, null, new FsckOptions { Checker = Checker }).ExitCode;
            if (repair) repaired = SightPrediction.Repair(judge.Judge(Checker), upperPath).ToString();
        }
        if (_observer is null)
        {
            rows.Add(new CompatCheckRow(variant, prefix + "mount", Kernel.Id, mount.ToString(), "", ""));
            rows.Add(new CompatCheckRow(variant, prefix + "mount tree", Kernel.Id, mount.TreeText, "", ""));
            rows.Add(new CompatCheckRow(variant, prefix + "e2fsck -fn", Checker.Id, readOnly, "", ""));
            if (repair) rows.Add(new CompatCheckRow(variant, prefix + "e2fsck -fy", Checker.Id, repaired, "", ""));
            return;
        }
        var (sight, live, note) = _observer.Mount(path, upperPath, mount.Said);
        rows.Add(new CompatCheckRow(variant, prefix + "mount", Kernel.Id, mount.ToString(), sight.ToString(), live.JoinedMessages + (note.Length > 0 ? " | " + note : "")));
        rows.Add(new CompatCheckRow(variant, prefix + "mount tree", Kernel.Id, mount.TreeText, sight.TreeText, "the paths a read-write mount shows, before the overlay is stacked"));
        var (exit, output) = _observer.CheckReadOnly(path);
        rows.Add(new CompatCheckRow(variant, prefix + "e2fsck -fn", Checker.Id, readOnly, "exit " + exit, KeyLines(output)));
        if (!repair) return;
        var (observed, repairExit, repairOutput) = _observer.Repair(path, upperPath);
        rows.Add(new CompatCheckRow(variant, prefix + "e2fsck -fy", Checker.Id, repaired, observed.ToString(), KeyLines(repairOutput) + " | exit " + repairExit));
    }

    /// <summary>ext4codec replay with the proposal's reader, into <paramref name="target"/>.</summary>
    private static bool TryReplay(string imagePath, ProposalLayout proposal, string target)
    {
        using var fs = Ext4FileSystem.Open(DiskImage.Open(imagePath), ownsImage: true);
        if (!Jbd2Journal.TryOpen(fs, out var journal, out _)) return false;
        var recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
        var rules = ReaderRules.Of(ReaderProfiles.Ext4codec, proposal).Scan;
        var scan = FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize, rules, (uint)fs.Geometry.Incompat);
        return JournalReplayer.TryWrite(fs, journal, recovery, scan, target, out _, out _);
    }

    /// <summary>e2fsck's lines that explain a verdict: the journal, features, problems; not the pass banners or the summary.</summary>
    private static string KeyLines(string output)
    {
        var kept = new List<string>();
        foreach (string raw in output.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("Pass ", StringComparison.Ordinal) || line.Contains("files (", StringComparison.Ordinal)
                || line.StartsWith("e2fsck 1.", StringComparison.Ordinal)) continue;
            kept.Add(line);
            if (kept.Count == 4) break;
        }
        return kept.Count == 0 ? "-" : string.Join(" | ", kept);
    }
}
