using System.CommandLine;
using Ext4Codec.FastCommit;
using Ext4Codec.Format;
using Ext4Codec.Journal;

namespace Ext4Codec.Cli.Commands;

/// <summary><c>replay IMAGE -o OUT</c>: the image as journal recovery leaves it, written to a new file; the input is only read.</summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var image = CommonOptions.Image();
        var output = new Option<string>("--output", "-o") { Description = "where to write the recovered image (must differ from IMAGE)", Required = true };
        var json = CommonOptions.Json();
        var proposal = CommonOptions.Proposal();
        var command = new Command("replay", "Write the image as recovery leaves it: jbd2 replay, then fast-commit replay (refuses, exit 4, when recovery would fail)") { image, output, json, proposal };
        command.SetAction(parse => CommonOptions.OnImage(parse, image, fs =>
        {
            string target = parse.GetValue(output)!;
            if (System.IO.Path.GetFullPath(target) == System.IO.Path.GetFullPath(parse.GetValue(image)!))
                throw new CommandProblem("the output must be a new file: the input image is never changed");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var journal = CommonOptions.OpenJournal(fs);
            var recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
            // Under a proposal this project's reader knows its records (CREAT_DEV) and applies its gates.
            var implemented = CommonOptions.ResolveProposal(parse, proposal, fs);
            var rules = implemented is null ? null : Versioning.ReaderRules.Of(ReaderProfiles.Ext4codec, implemented).Scan;
            var scan = FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize, rules, (uint)fs.Geometry.Incompat);
            bool written = JournalReplayer.TryWrite(fs, journal, recovery, scan, target, out string refusal, out var fcReport);
            clock.Stop();
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                CommonOptions.WriteJson(o, w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("written", written);
                    w.WriteString("output", target);
                    w.WriteBoolean("needed", recovery.NeedsRecovery);
                    w.WriteString("proposal", implemented?.Id);
                    w.WriteNumber("transactions", written && recovery.NeedsRecovery ? recovery.EndTransaction - recovery.StartTransaction : 0);
                    w.WriteNumber("blocks", written ? recovery.Replays.Count : 0);
                    if (fcReport is not null)
                    {
                        w.WriteNumber("fc_records", fcReport.Replayed);
                        w.WriteStartArray("fc_notes");
                        foreach (var n in fcReport.Notes) w.WriteStringValue(n);
                        w.WriteEndArray();
                        w.WriteStartArray("fc_deviations");
                        foreach (var d in fcReport.Deviations) w.WriteStringValue(d);
                        w.WriteEndArray();
                    }
                    if (!written) w.WriteString("refusal", refusal);
                    // Journal scan, copy and replay, without process start-up (benchmarks/fc-replay-vs-mount.sh).
                    w.WriteNumber("elapsed_ms", System.Math.Round(clock.Elapsed.TotalMilliseconds, 2));
                    w.WriteEndObject();
                });
            }
            else if (written)
            {
                string transactions = recovery.EndTransaction > recovery.StartTransaction
                    ? $"replayed transactions {recovery.StartTransaction}..{recovery.EndTransaction - 1} ({recovery.Replays.Count} blocks)"
                    : "no committed transaction to replay";
                o.WriteLine(recovery.NeedsRecovery
                    ? $"{target}: {transactions}; journal marked empty, needs_recovery cleared"
                    : $"{target}: the journal needed no recovery; copied unchanged");
                if (fcReport is not null)
                {
                    o.WriteLine($"fast commits: {fcReport.Replayed} records replayed");
                    foreach (var n in fcReport.Notes) o.WriteLine("  note: " + n);
                    foreach (var d in fcReport.Deviations) o.WriteLine("  differs from Linux 6.18: " + d);
                }
            }
            else parse.InvocationConfiguration.Error.WriteLine($"ext4codec: {parse.GetValue(image)}: replay refused: {refusal}");
            if (written) return ExitCodes.Clean;
            return recovery.Error is not null || scan.Outcome == FcOutcome.Failed ? ExitCodes.ErrorsLeft : ExitCodes.OperationalError;
        }));
        return command;
    }
}
