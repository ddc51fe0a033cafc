using System;
using System.IO;
using System.Text.Json;
using Ext4Codec.Checking;
using Ext4Codec.Editing;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Imaging;
using Ext4Codec.Journal;
using Ext4Codec.Reports;
using Ext4Codec.Versioning;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// Runs a target on a mutant. The typed, located errors a verb turns into "exit 8" (a
/// <see cref="CorruptDataException"/> naming structure, field and offset; a replay refusal) are the parser's
/// answer and are absorbed here; any other exception escapes and is a finding. The checker promises more: it
/// reports every image, so for <see cref="FuzzTarget.Check"/> nothing is absorbed.
/// </summary>
public static class FuzzTargets
{
    public static void Run(FuzzTarget target, Mutant mutant)
    {
        if (target == FuzzTarget.Check)
        {
            FsckChecker.Check(mutant.Image);
            return;
        }
        if (target == FuzzTarget.Compat)
        {
            // As the verb does: the proposal the image's flags show, every released reader and this project's.
            ProposalLayout? proposal = null;
            if (Ext4FileSystem.TryOpen(mutant.Image, false, out var probe, out _))
                using (probe) proposal = ProposalDetector.Single(probe);
            CompatReport.Of(mutant.Image, "mutant", proposal);
            return;
        }
        try
        {
            if (!Ext4FileSystem.TryOpen(mutant.Image, false, out var fs, out _)) return;
            using (fs) RunOn(target, fs, mutant);
        }
        catch (CorruptDataException)
        {
            // The verb's exit 8 with a located message: a handled outcome.
        }
    }

    private static void RunOn(FuzzTarget target, Ext4FileSystem fs, Mutant mutant)
    {
        if (target == FuzzTarget.Info)
        {
            InfoReport.WriteText(fs, TextWriter.Null);
            using var json = new Utf8JsonWriter(Stream.Null);
            InfoReport.WriteJson(fs, json);
            return;
        }
        if (!Jbd2Journal.TryOpen(fs, out var journal, out _)) return;
        var recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
        if (target == FuzzTarget.Journal) return;
        // The reader the verbs use: Linux 6.18's scan, or this project's for the proposal the image's flags show.
        var proposal = ProposalDetector.Single(fs);
        var rules = proposal is null ? null : ReaderRules.Of(ReaderProfiles.Ext4codec, proposal).Scan;
        var scan = FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize, rules, (uint)fs.Geometry.Incompat);
        if (target == FuzzTarget.Fc) return;
        // Replay reads the mutant and writes a second private view, as the verb reads the image and writes a new file.
        using var output = mutant.Image.PrivateCopy();
        JournalReplayer.TryReplay(fs, journal, recovery, scan, output, out _, out _);
    }
}
