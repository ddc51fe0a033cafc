using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Ext4Codec.Fuzzing;
using Ext4Codec.Kernel;

namespace Ext4Codec.Cli.Commands;

/// <summary>
/// <c>fuzz SEEDS... --target T</c>: structure-aware mutants of the seed images (fields changed through the
/// generated layout metadata, checksums resealed) run through a verb's code in process. Exit 0 without
/// findings, 4 with findings (reproducers in --out), 8 when there is nothing to fuzz.
/// </summary>
public static class FuzzCommand
{
    public static Command Create()
    {
        var seeds = new Argument<string[]>("seeds") { Description = "seed images (raw or .gz) or folders of them", Arity = ArgumentArity.OneOrMore };
        var target = new Option<string>("--target") { Description = "code to run on each mutant: check, info, journal, fc, replay or compat", DefaultValueFactory = _ => "check" };
        target.AcceptOnlyFromAmong("check", "info", "journal", "fc", "replay", "compat");
        var seconds = new Option<double?>("--seconds") { Description = "run this long (default 60 s unless --iterations is given)" };
        var iterations = new Option<long?>("--iterations") { Description = "run exactly this many mutants (deterministic with --seed)" };
        var seed = new Option<ulong?>("--seed") { Description = "campaign seed (default: random, printed)" };
        var output = new Option<string>("--out") { Description = "folder for reproducers (image + mutation chain)", DefaultValueFactory = _ => "fuzz-findings" };
        var jobs = new Option<int>("--jobs") { Description = "worker threads (mutants do not depend on it)", DefaultValueFactory = _ => 1 };
        var stack = new Option<int>("--max-stack") { Description = "most mutations stacked on one mutant", DefaultValueFactory = _ => 4 };
        var differential = new Option<bool>("--differential") { Description = "also run e2fsck -fn on each mutant (and, as root, a -o ro loop mount) and report where their verdicts and ours differ (slow: one e2fsck per mutant)" };
        var noMount = new Option<bool>("--no-mount") { Description = "with --differential: leave out the live loop mounts" };
        var json = CommonOptions.Json();
        var command = new Command("fuzz", "Structure-aware fuzzing: mutate typed fields of seed images (checksums resealed) and run a verb's code on each mutant; findings are exceptions, runs over 1 s and runaway memory")
        {
            seeds, target, seconds, iterations, seed, output, jobs, stack, differential, noMount, json,
        };
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            var o = parse.InvocationConfiguration.Output;
            var loaded = SeedLoader.Load(parse.GetValue(seeds)!, error, "ext4codec: fuzz");
            try
            {
                if (loaded.Count == 0)
                {
                    error.WriteLine("ext4codec: fuzz: no usable seed image");
                    return ExitCodes.OperationalError;
                }
                ulong campaignSeed = parse.GetValue(seed) ?? (ulong)Random.Shared.NextInt64();
                var options = new FuzzOptions
                {
                    Target = Enum.Parse<FuzzTarget>(parse.GetValue(target)!, ignoreCase: true),
                    Iterations = parse.GetValue(iterations) ?? 0,
                    Duration = TimeSpan.FromSeconds(parse.GetValue(seconds) ?? 60),
                    Seed = campaignSeed,
                    Jobs = Math.Clamp(parse.GetValue(jobs), 1, 64),
                    MaxStack = Math.Clamp(parse.GetValue(stack), 1, 32),
                    OutputDirectory = parse.GetValue(output),
                };
                bool asJson = parse.GetValue(json);
                if (!asJson) error.WriteLine($"fuzz {Name(options.Target)}: {loaded.Count} seeds, campaign seed {campaignSeed.ToString(CultureInfo.InvariantCulture)}");
                if (parse.GetValue(differential)) return RunDifferential(loaded, options, !parse.GetValue(noMount), o, error, asJson);
                var campaign = new FuzzCampaign(loaded, options);
                var display = new FuzzProgress(error);
                var findings = campaign.Run(display.Show);
                display.Finish();
                var stats = campaign.Snapshot();
                if (asJson) CommonOptions.WriteJson(o, w => WriteJson(w, options, loaded.Count, stats, findings, campaign.Hung));
                else WriteText(o, options, loaded.Count, stats, findings);
                return findings.Count == 0 ? ExitCodes.Clean : ExitCodes.ErrorsLeft;
            }
            finally
            {
                foreach (var s in loaded) s.Dispose();
            }
        });
        return command;
    }

    private static int RunDifferential(List<FuzzSeed> seeds, FuzzOptions options, bool mounts, TextWriter o, TextWriter error, bool asJson)
    {
        if (!E2fsckOracle.TryFind(out var oracle, out string why))
        {
            error.WriteLine("ext4codec: fuzz --differential: " + why);
            return ExitCodes.OperationalError;
        }
        KernelProfile? kernel = null;
        if (mounts && DifferentialCampaign.LiveMountsUnavailable(out kernel) is { } noMounts)
            error.WriteLine("ext4codec: fuzz --differential: no live mounts: " + noMounts);
        var runner = new DifferentialCampaign(seeds, options, oracle, mounts ? kernel : null);
        var display = new FuzzProgress(error);
        runner.Run(display.ShowDifferential);
        display.Finish();
        var reports = runner.Kernel is null ? new[] { runner.E2fsck } : new[] { runner.E2fsck, runner.Kernel };
        if (options.OutputDirectory is not null)
            foreach (var r in reports) r.WriteTsv(Path.Combine(options.OutputDirectory, $"differential-{r.OracleKey}-{Name(options.Target)}.tsv"));
        var totals = runner.Snapshot();
        if (asJson)
        {
            CommonOptions.WriteJson(o, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("campaign_seed", options.Seed);
                w.WriteNumber("mutants", totals.Mutants);
                w.WriteNumber("elapsed_s", Math.Round(totals.Elapsed.TotalSeconds, 1));
                foreach (var r in reports)
                {
                    w.WritePropertyName(r.OracleKey);
                    r.WriteJson(w);
                }
                w.WriteEndObject();
            });
        }
        else
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"differential: {totals.Mutants} mutants in {totals.Elapsed.TotalSeconds:F0} s"));
            foreach (var r in reports) r.WriteText(o);
        }
        return ExitCodes.Clean;
    }

    private static void WriteText(TextWriter o, FuzzOptions options, int seeds, FuzzStats s, IReadOnlyList<FuzzFinding> findings)
    {
        var c = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(c, $"fuzz {Name(options.Target)}: {s.Execs} mutants in {s.Elapsed.TotalSeconds:F1} s ({s.ExecsPerSecond:F0}/s) over {seeds} seeds, campaign seed {options.Seed}"));
        o.WriteLine(string.Create(c, $"mutations: {s.Mutations} ({s.Resealed} with their checksum resealed); slowest run {s.SlowestMilliseconds:F1} ms"));
        o.WriteLine(string.Create(c, $"coverage: {s.StructuresCovered}/{s.StructuresAvailable} structures, {s.FieldsCovered}/{s.FieldsAvailable} fields"));
        o.WriteLine(string.Create(c, $"findings: {findings.Count}"));
        foreach (var f in findings)
        {
            o.WriteLine(string.Create(c, $"  {f.Kind.ToString().ToLowerInvariant()}: {f.Signature} (seen {f.Occurrences} times; seed {f.SeedName}, iteration {f.Iteration})"));
            foreach (var m in f.Chain) o.WriteLine("    " + m.Describe());
            if (f.ReproducerPath is not null) o.WriteLine("    reproducer: " + f.ReproducerPath);
        }
    }

    private static void WriteJson(Utf8JsonWriter w, FuzzOptions options, int seeds, FuzzStats s, IReadOnlyList<FuzzFinding> findings, bool hung)
    {
        w.WriteStartObject();
        w.WriteString("target", Name(options.Target));
        w.WriteNumber("campaign_seed", options.Seed);
        w.WriteNumber("seeds", seeds);
        w.WriteNumber("execs", s.Execs);
        w.WriteNumber("mutations", s.Mutations);
        w.WriteNumber("resealed", s.Resealed);
        w.WriteNumber("elapsed_s", Math.Round(s.Elapsed.TotalSeconds, 3));
        w.WriteNumber("execs_per_s", Math.Round(s.ExecsPerSecond, 1));
        w.WriteNumber("slowest_ms", Math.Round(s.SlowestMilliseconds, 2));
        w.WriteNumber("structures_covered", s.StructuresCovered);
        w.WriteNumber("structures_available", s.StructuresAvailable);
        w.WriteNumber("fields_covered", s.FieldsCovered);
        w.WriteNumber("fields_available", s.FieldsAvailable);
        w.WriteBoolean("hung", hung);
        w.WriteStartArray("findings");
        foreach (var f in findings)
        {
            w.WriteStartObject();
            w.WriteString("kind", f.Kind.ToString().ToLowerInvariant());
            w.WriteString("signature", f.Signature);
            w.WriteString("seed_image", f.SeedName);
            w.WriteNumber("iteration", f.Iteration);
            w.WriteNumber("occurrences", f.Occurrences);
            if (f.ReproducerPath is not null) w.WriteString("reproducer", f.ReproducerPath);
            w.WriteStartArray("mutations");
            foreach (var m in f.Chain) w.WriteStringValue(m.Describe());
            w.WriteEndArray();
            w.WriteString("message", f.Message);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Name(FuzzTarget target) => target.ToString().ToLowerInvariant();
}
