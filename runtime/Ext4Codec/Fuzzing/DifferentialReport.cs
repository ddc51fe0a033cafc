using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Ext4Codec.Checking;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// Where the checker and e2fsck -fn disagreed over a differential campaign, grouped into classes: the mutated
/// structure field, our verdict and e2fsck's. Each class keeps its count and a few examples (seed, iteration,
/// the mutation, the first problem each side reported).
/// </summary>
public sealed class DifferentialReport(ulong campaignSeed)
{
    private const int ExamplesPerClass = 3;
    private readonly Dictionary<string, DisagreementClass> _classes = new(StringComparer.Ordinal);

    public ulong CampaignSeed { get; } = campaignSeed;

    public DifferentialStats? Totals { get; private set; }

    public int ClassCount
    {
        get { lock (_classes) return _classes.Count; }
    }

    /// <summary>The classes, most frequent first.</summary>
    public List<DisagreementClass> Classes
    {
        get
        {
            lock (_classes)
            {
                var list = new List<DisagreementClass>(_classes.Values);
                list.Sort((a, b) => b.Count != a.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a.Key, b.Key));
                return list;
            }
        }
    }

    internal void Finish(DifferentialStats totals) => Totals = totals;

    internal void Add(string seed, long iteration, Mutation mutation, Verdict ours, Verdict theirs, FsckResult result, int e2fsckExit, string e2fsckOutput)
    {
        string field = mutation.Target.Layout.SpecName + "." + mutation.TopField;
        string key = field + " ours=" + Name(ours) + " e2fsck=" + Name(theirs);
        var example = new DisagreementExample(seed, iteration, mutation.Describe(), result.ExitCode, FirstFinding(result), e2fsckExit, FirstProblem(e2fsckOutput));
        lock (_classes)
        {
            if (!_classes.TryGetValue(key, out var c)) _classes[key] = c = new DisagreementClass(key, field, ours, theirs);
            c.Count++;
            if (c.Examples.Count < ExamplesPerClass) c.Examples.Add(example);
        }
    }

    private static string FirstFinding(FsckResult result)
    {
        foreach (var f in result.Findings)
            if (f.CountsAsError) return f.Code + ": " + f.Message;
        return result.AbortReason.Length > 0 ? "abort: " + result.AbortReason : result.Findings.Count > 0 ? result.Findings[0].Code : "(no problem)";
    }

    /// <summary>The first line of e2fsck's output after its pass headings and the version banner: usually its first problem.</summary>
    private static string FirstProblem(string output)
    {
        foreach (string raw in output.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("Pass ", StringComparison.Ordinal) || line.StartsWith("e2fsck ", StringComparison.Ordinal)) continue;
            return line.Length > 200 ? line[..200] : line;
        }
        return "(no output)";
    }

    public static string Name(Verdict v) => v.ToString().ToLowerInvariant();

    public void WriteText(TextWriter o)
    {
        var t = Totals;
        var c = CultureInfo.InvariantCulture;
        if (t is not null)
            o.WriteLine(string.Create(c, $"differential vs e2fsck -fn: {t.Mutants} mutants in {t.Elapsed.TotalSeconds:F0} s, agree {t.Agree} ({Percent(t.Agree, t.Mutants)}), disagree {t.Disagree} in {t.Classes} classes; campaign seed {CampaignSeed}"));
        foreach (var k in Classes)
        {
            o.WriteLine(string.Create(c, $"  {k.Count,6}  {k.Key}"));
            var e = k.Examples[0];
            o.WriteLine("          e.g. " + e.Mutation);
            o.WriteLine("          ours: " + e.OurFirst);
            o.WriteLine("          e2fsck: " + e.E2fsckFirst);
        }
    }

    /// <summary>One line per class example: the checked-in explanation file cites these.</summary>
    public void WriteTsv(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var o = new StreamWriter(path);
        o.WriteLine("class\tcount\tfield\tours\te2fsck\tseed\titeration\tmutation\tour_exit\tour_first\te2fsck_exit\te2fsck_first");
        foreach (var k in Classes)
        {
            foreach (var e in k.Examples)
            {
                o.WriteLine(string.Join('\t', k.Key, k.Count.ToString(CultureInfo.InvariantCulture), k.Field, Name(k.Ours), Name(k.Theirs), e.Seed,
                    e.Iteration.ToString(CultureInfo.InvariantCulture), Clean(e.Mutation), e.OurExit.ToString(CultureInfo.InvariantCulture), Clean(e.OurFirst),
                    e.E2fsckExit.ToString(CultureInfo.InvariantCulture), Clean(e.E2fsckFirst)));
            }
        }
    }

    public void WriteJson(Utf8JsonWriter w)
    {
        var t = Totals;
        w.WriteStartObject();
        w.WriteNumber("campaign_seed", CampaignSeed);
        if (t is not null)
        {
            w.WriteNumber("mutants", t.Mutants);
            w.WriteNumber("agree", t.Agree);
            w.WriteNumber("disagree", t.Disagree);
            w.WriteNumber("elapsed_s", Math.Round(t.Elapsed.TotalSeconds, 1));
        }
        w.WriteStartArray("classes");
        foreach (var k in Classes)
        {
            w.WriteStartObject();
            w.WriteString("field", k.Field);
            w.WriteString("ours", Name(k.Ours));
            w.WriteString("e2fsck", Name(k.Theirs));
            w.WriteNumber("count", k.Count);
            w.WriteStartArray("examples");
            foreach (var e in k.Examples)
            {
                w.WriteStartObject();
                w.WriteString("seed_image", e.Seed);
                w.WriteNumber("iteration", e.Iteration);
                w.WriteString("mutation", e.Mutation);
                w.WriteNumber("our_exit", e.OurExit);
                w.WriteString("our_first", e.OurFirst);
                w.WriteNumber("e2fsck_exit", e.E2fsckExit);
                w.WriteString("e2fsck_first", e.E2fsckFirst);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Percent(long part, long whole) => whole == 0 ? "-" : (100.0 * part / whole).ToString("F1", CultureInfo.InvariantCulture) + " %";

    private static string Clean(string s) => s.Replace('\t', ' ').Replace('\n', ' ');
}
