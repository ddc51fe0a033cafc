using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Imaging;
using Ext4Codec.Live;
using Ext4Codec.Versioning;

namespace Ext4Codec.Cli.Commands;

/// <summary>
/// <c>compat IMAGE</c>: what every reader (Linux 5.10 .. 6.18, e2fsck 1.46.5 .. 1.47.4, and this project implementing
/// the image's proposal) does with the image: mount or check, fast-commit replay, whiteouts kept; on a clean
/// fast_commit filesystem also the standard scenario written under each proposal. Exit 4 when some reader drops
/// fast-commit records silently, 0 otherwise, 8 when the image cannot be read.
/// </summary>
public static class CompatCommand
{
    public static Command Create()
    {
        var image = CommonOptions.Image();
        var json = CommonOptions.Json();
        var proposal = CommonOptions.Proposal();
        var upper = new Option<string>("--upper") { Description = "the scenario's overlayfs upper directory in IMAGE (default /upper when it exists, else /)" };
        var noScenario = new Option<bool>("--no-scenario") { Description = "leave out the standard scenario" };
        var write = new Option<string>("--write-scenarios") { Description = "also write each scenario variant's image (VARIANT.img) and predictions.tsv (with --observe also observations.tsv) into this folder" };
        var observe = new Option<bool>("--observe") { Description = "as root: mount each scenario variant on the running kernel (and an overlay on its upper directory), run the local e2fsck -fn and -fy on copies, replay it with ext4codec and do the same, and set each prediction beside what happened (exit 4 on a disagreement)" };
        var command = new Command("compat", "Which readers (kernels, e2fsck versions) mount or check the image, replay its fast commits fully, truncated or not at all, and keep its whiteouts; and the standard overlay scenario under each proposal") { image, json, proposal, upper, noScenario, write, observe };
        command.SetAction(parse => CommonOptions.OnImage(parse, image, fs =>
        {
            var implemented = CommonOptions.ResolveProposal(parse, proposal, fs);
            string name = parse.GetValue(image)!;
            var report = CompatReport.Of(fs.Image, name, implemented);
            bool observing = parse.GetValue(observe);
            if (observing && CompatObserver.Unavailable is { } unavailable) throw new CommandProblem("--observe: " + unavailable);
            ScenarioSummary? scenario = null;
            List<CompatCheckRow>? observed = null;
            string scenarioNote = "";
            string upperPath = parse.GetValue(upper) ?? (Directories.PathResolver.Resolve(fs, "/upper", out _) != 0 ? "/upper" : "/");
            string? folder = parse.GetValue(write);
            string? temporary = observing && folder is null ? Directory.CreateTempSubdirectory("ext4codec-scenarios-").FullName : null;
            folder ??= temporary;
            if (folder is not null) Directory.CreateDirectory(folder);
            try
            {
                if (!parse.GetValue(noScenario))
                {
                    try
                    {
                        scenario = ScenarioSummary.Of(fs.Image, upperPath, folder);
                        if (folder is not null) WritePredictions(Path.Combine(folder, "predictions.tsv"), scenario);
                    }
                    catch (System.Exception e) when (e is FcWriteRefusedException or Editing.EditRefusedException)
                    {
                        scenarioNote = "scenario not written: " + e.Message;
                    }
                }
                if (observing) observed = Observe(fs.Image, ImageName(name), implemented, scenario, upperPath, folder!, temporary is null, parse.InvocationConfiguration.Error);
            }
            finally
            {
                if (temporary is not null) Directory.Delete(temporary, recursive: true);
            }
            var o = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) CommonOptions.WriteJson(o, w => WriteJson(w, report, scenario, scenarioNote, observed));
            else WriteText(o, report, scenario, scenarioNote, observed);
            foreach (var _ in report.SilentDrops) return ExitCodes.ErrorsLeft;
            if (observed is not null)
                foreach (var row in observed)
                    if (!row.Agrees) return ExitCodes.ErrorsLeft;
            return ExitCodes.Clean;
        }));
        return command;
    }

    /// <summary>"kernel-today" for kernel-today.img.gz: the image's own rows in the observations.</summary>
    private static string ImageName(string path)
    {
        string name = Path.GetFileName(path);
        foreach (string suffix in new[] { ".gz", ".img" })
            if (name.EndsWith(suffix, System.StringComparison.Ordinal)) name = name[..^suffix.Length];
        return name;
    }

    /// <summary>
    /// The image itself (variant <paramref name="imageName"/>) and each written variant (VARIANT.img in
    /// <paramref name="folder"/>) observed live; observations.tsv beside them when <paramref name="keep"/>.
    /// </summary>
    private static List<CompatCheckRow> Observe(DiskImage image, string imageName, ProposalLayout? proposal, ScenarioSummary? scenario, string upperPath, string folder, bool keep, TextWriter progress)
    {
        using var observer = new CompatObserver(WhiteoutScenario.LowerNames);
        var verification = CompatVerification.OfRunningSystem(observer, folder);
        progress.WriteLine($"observing on Linux {CompatObserver.KernelRelease} (profile {verification.Kernel.Id}) and e2fsck {CompatObserver.E2fsckVersion} (profile {verification.Checker.Id})");
        var rows = new List<CompatCheckRow>();
        string self = Path.Combine(folder, "image.img");
        image.SaveSparse(self);
        try
        {
            rows.AddRange(verification.Verify(self, imageName, proposal, upperPath));
        }
        finally
        {
            File.Delete(self);
        }
        foreach (var (variant, _) in scenario?.Rows ?? [])
        {
            progress.WriteLine($"  {variant.Name}");
            rows.AddRange(verification.Verify(Path.Combine(folder, variant.Name + ".img"), variant.Name, variant.Proposal, upperPath));
        }
        if (keep)
        {
            using var tsv = new StreamWriter(Path.Combine(folder, "observations.tsv"));
            tsv.WriteLine(CompatCheckRow.Header);
            foreach (var row in rows) tsv.WriteLine(row.ToTsv());
        }
        return rows;
    }

    private static void WriteText(TextWriter o, CompatReport report, ScenarioSummary? scenario, string scenarioNote, List<CompatCheckRow>? observed)
    {
        o.WriteLine($"{report.Image}: {(report.Proposal is null ? "base format" : "proposal " + report.Proposal.Id)}; " +
            $"{U(report.ExpectedRecords)} fast-commit records in valid commits; whiteouts after a full replay: {Paths(report.ExpectedWhiteouts)}");
        o.WriteLine($"{"Reader",-34} {"Access",-44} {"Fast-commit replay",-52} Whiteouts");
        foreach (var v in report.Verdicts)
            o.WriteLine($"{v.Reader.Name,-34} {Cut(Access(v), 44),-44} {Cut(Replay(v), 52),-52} {Whiteouts(v)}");
        foreach (var v in report.SilentDrops)
            o.WriteLine($"warning: {v.Reader.Name} silently drops {U(v.Replay.SilentlyDropped)} fast-commit records from {v.Replay.FirstDropped} on ({v.Replay.Message})");
        foreach (var v in report.Verdicts)
        {
            if (v.Replay.Kind == ReplayKind.Failed && v.Replay.Consequence.Length > 0) o.WriteLine($"{v.Reader.Name}: {v.Replay.Consequence}");
        }
        if (scenario is null)
        {
            if (scenarioNote.Length > 0) o.WriteLine(scenarioNote);
            return;
        }
        o.WriteLine();
        o.WriteLine($"Standard scenario on {scenario.UpperPath} (lower a, b, c; create n, rename b over a, unlink c, crash): whiteouts kept by each reader");
        var readers = scenario.Rows[0].Report.Verdicts;
        o.Write($"{"Variant",-28}");
        foreach (var v in readers) o.Write($" {Short(v.Reader),-12}");
        o.WriteLine();
        foreach (var (variant, row) in scenario.Rows)
        {
            o.Write($"{variant.Name,-28}");
            foreach (var v in row.Verdicts) o.Write($" {Cell(v),-12}");
            o.WriteLine();
        }
        o.WriteLine("Cells: whiteouts kept / expected; refused = not mounted (or e2fsck stops); lost = the journal is discarded; trunc = replay silently truncated.");
        if (observed is null) return;
        o.WriteLine();
        int agree = 0;
        foreach (var row in observed) if (row.Agrees) agree++;
        o.WriteLine($"Predictions against the live system: {U(agree)} of {U(observed.Count)} agree");
        o.WriteLine($"{"Variant",-28} {"Oracle",-18} {"Predicted",-44} Observed");
        foreach (var row in observed)
            o.WriteLine($"{row.Variant,-28} {row.Oracle,-18} {row.Predicted,-44} {(row.Agrees ? "same" : row.Observed + "   <- DIFFERS: " + row.Detail)}");
    }

    private static string Access(ReaderVerdict v) => v.Access.Kind switch
    {
        AccessKind.Mounts => "mounts rw",
        AccessKind.MountsReadOnly => "mounts ro" + (v.Access.Errno.Length > 0 ? " (rw: " + v.Access.Errno + ")" : ""),
        AccessKind.Checks => v.Access.Message,
        _ => "refused" + (v.Access.Errno.Length > 0 ? " (" + v.Access.Errno + ")" : "") + ": " + v.Access.Message,
    };

    private static string Replay(ReaderVerdict v) => v.Replay.Kind switch
    {
        ReplayKind.NotNeeded => "not needed",
        ReplayKind.NotReached => "not reached: " + v.Replay.Message,
        ReplayKind.NotScanned => "not scanned: " + v.Replay.Message,
        ReplayKind.Ignored => "ignored: " + v.Replay.Message,
        ReplayKind.Complete => $"complete ({U(v.Replay.Replayed)} records)",
        ReplayKind.Truncated => $"truncated at record {U(v.Replay.Replayed)} of {U(v.Replay.Expected)}: {v.Replay.FirstDropped}",
        _ => "failed" + (v.Replay.Errno.Length > 0 ? " (" + v.Replay.Errno + ")" : "") + ": " + v.Replay.Message,
    };

    private static string Whiteouts(ReaderVerdict v)
        => !v.Whiteouts.Visible ? $"0/{U(v.Whiteouts.Expected.Count)} (not mounted)" : $"{U(Kept(v))}/{U(v.Whiteouts.Expected.Count)}";

    private static int Kept(ReaderVerdict v)
    {
        if (!v.Whiteouts.Visible) return 0;
        var survived = new HashSet<string>(v.Whiteouts.Survived);
        int n = 0;
        foreach (string w in v.Whiteouts.Expected) if (survived.Contains(w)) n++;
        return n;
    }

    private static string Cell(ReaderVerdict v)
    {
        string kept = $"{U(Kept(v))}/{U(v.Whiteouts.Expected.Count)}";
        if (!v.Whiteouts.Visible) return "refused";
        if (v.Replay.Kind == ReplayKind.Failed && v.Reader.RecoveryFailure == Format.RecoveryFailure.JOURNAL_DISCARDED) return kept + " lost";
        if (v.Replay.Kind == ReplayKind.Truncated) return kept + " trunc";
        return kept;
    }

    private static string Short(ReaderRules r) => r.IsKernel ? "Linux " + r.Profile.Version : r.IsChecker ? "e2fsck " + r.Profile.Version : "ext4codec";

    private static void WriteJson(Utf8JsonWriter w, CompatReport report, ScenarioSummary? scenario, string scenarioNote, List<CompatCheckRow>? observed)
    {
        w.WriteStartObject();
        WriteReport(w, report);
        if (scenario is not null)
        {
            w.WriteStartObject("scenario");
            w.WriteString("upper", scenario.UpperPath);
            w.WriteStartArray("variants");
            foreach (var (variant, row) in scenario.Rows)
            {
                w.WriteStartObject();
                w.WriteString("variant", variant.Name);
                w.WriteString("proposal", variant.Proposal?.Id);
                w.WriteBoolean("gated", variant.Gated);
                w.WriteBoolean("later_commit", variant.LaterCommit);
                WriteReport(w, row);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        else if (scenarioNote.Length > 0) w.WriteString("scenario_note", scenarioNote);
        if (observed is not null)
        {
            w.WriteStartArray("observations");
            foreach (var row in observed)
            {
                w.WriteStartObject();
                w.WriteString("variant", row.Variant);
                w.WriteString("oracle", row.Oracle);
                w.WriteString("reader", row.Reader);
                w.WriteString("predicted", row.Predicted);
                w.WriteString("observed", row.Observed);
                w.WriteBoolean("agrees", row.Agrees);
                w.WriteString("detail", row.Detail);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WriteReport(Utf8JsonWriter w, CompatReport report)
    {
        w.WriteString("image", report.Image);
        w.WriteString("proposal", report.Proposal?.Id);
        w.WriteNumber("expected_records", report.ExpectedRecords);
        w.WriteStartArray("expected_whiteouts");
        foreach (string p in report.ExpectedWhiteouts) w.WriteStringValue(p);
        w.WriteEndArray();
        w.WriteStartArray("readers");
        foreach (var v in report.Verdicts)
        {
            w.WriteStartObject();
            w.WriteString("id", v.Reader.Id);
            w.WriteString("name", v.Reader.Name);
            w.WriteString("kind", v.Reader.Profile.Kind);
            w.WriteString("version", v.Reader.Profile.Version);
            w.WriteStartObject("access");
            w.WriteString("kind", Snake(v.Access.Kind.ToString()));
            w.WriteString("errno", v.Access.Errno);
            w.WriteString("message", v.Access.Message);
            w.WriteEndObject();
            w.WriteStartObject("replay");
            w.WriteString("kind", Snake(v.Replay.Kind.ToString()));
            w.WriteNumber("replayed", v.Replay.Replayed);
            w.WriteNumber("expected", v.Replay.Expected);
            w.WriteNumber("silently_dropped", v.Replay.SilentlyDropped);
            w.WriteString("first_dropped", v.Replay.FirstDropped);
            w.WriteString("errno", v.Replay.Errno);
            w.WriteString("message", v.Replay.Message);
            w.WriteString("consequence", v.Replay.Consequence);
            w.WriteEndObject();
            w.WriteStartObject("whiteouts");
            w.WriteBoolean("visible", v.Whiteouts.Visible);
            w.WriteBoolean("all_survive", v.Whiteouts.AllSurvive);
            w.WriteStartArray("survived");
            foreach (string p in v.Whiteouts.Survived) w.WriteStringValue(p);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartArray("notes");
            foreach (string n in v.Notes) w.WriteStringValue(n);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>One line per variant and reader: what tests and corpus/compat/observe.sh compare with the live system.</summary>
    private static void WritePredictions(string path, ScenarioSummary scenario)
    {
        using var o = new StreamWriter(path);
        o.WriteLine("variant\treader\taccess\terrno\treplay\treplayed\texpected\twhiteouts");
        foreach (var (variant, row) in scenario.Rows)
            foreach (var v in row.Verdicts)
                o.WriteLine(string.Join('\t', variant.Name, v.Reader.Id, Snake(v.Access.Kind.ToString()), v.Access.Errno.Length > 0 ? v.Access.Errno : v.Replay.Errno,
                    Snake(v.Replay.Kind.ToString()), U(v.Replay.Replayed), U(v.Replay.Expected), v.Whiteouts.Survived.Count > 0 ? string.Join(',', v.Whiteouts.Survived) : "-"));
    }

    private static string Paths(IReadOnlyList<string> paths) => paths.Count == 0 ? "none" : string.Join(", ", paths);

    private static string Cut(string s, int width) => s.Length <= width ? s : s[..(width - 1)] + "…";

    private static string Snake(string pascal)
    {
        var sb = new System.Text.StringBuilder();
        foreach (char c in pascal)
        {
            if (char.IsUpper(c) && sb.Length > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    private static string U(long v) => v.ToString(CultureInfo.InvariantCulture);
}
