using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Ext4Codec.Checking;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// Where our verdict and one oracle's (e2fsck -fn, or the running kernel's read-only mount) disagreed over a
/// differential campaign, grouped into classes: the mutated structure field, our verdict and the oracle's. Each
/// class keeps its count and a few examples (seed, iteration, the mutation, what each side said first).
/// </summary>
public sealed class DifferentialReport(string oracle, string oracleKey, ulong campaignSeed)
{
    private const int ExamplesPerClass = 3;
    private readonly Dictionary<string, DisagreementClass> _classes = new(StringComparer.Ordinal);
    private long _agree, _disagree;

    /// <summary>What we were compared with, for people ("e2fsck -fn", "Linux 6.18.44 -o ro").</summary>
    public string Oracle { get; } = oracle;

    /// <summary>The oracle's short name in class keys and JSON ("e2fsck", "kernel").</summary>
    public string OracleKey { get; } = oracleKey;

    public ulong CampaignSeed { get; } = campaignSeed;

    public OracleTally Tally
    {
        get { lock (_classes) return new OracleTally(_agree, _disagree, _classes.Count); }
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

    /// <summary>Counts one mutant: an agreement, or a disagreement filed under its mutated field and the two verdicts.</summary>
    internal void Add(string seed, long iteration, Mutation mutation, string ours, string theirs, int ourExit, string ourFirst, int theirExit, string theirFirst)
    {
        lock (_classes)
        {
            if (ours == theirs)
            {
                _agree++;
                return;
            }
            _disagree++;
            string field = mutation.Target.Layout.SpecName + "." + mutation.TopField;
            string key = field + " ours=" + ours + " " + OracleKey + "=" + theirs;
            if (!_classes.TryGetValue(key, out var c)) _classes[key] = c = new DisagreementClass(key, field, ours, theirs);
            c.Count++;
            if (c.Examples.Count < ExamplesPerClass) c.Examples.Add(new DisagreementExample(seed, iteration, mutation.Describe(), ourExit, ourFirst, theirExit, theirFirst));
        }
    }

    /// <summary>The checker's first counted problem, its abort, or its first note.</summary>
    internal static string FirstFinding(FsckResult result)
    {
        foreach (var f in result.Findings)
            if (f.CountsAsError) return f.Code + ": " + f.Message;
        return result.AbortReason.Length > 0 ? "abort: " + result.AbortReason : result.Findings.Count > 0 ? result.Findings[0].Code : "(no problem)";
    }

    /// <summary>The first line of e2fsck's output after its pass headings and the version banner: usually its first problem.</summary>
    internal static string FirstProblem(string output)
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
        var t = Tally;
        var c = CultureInfo.InvariantCulture;
        long judged = t.Agree + t.Disagree;
        o.WriteLine(string.Create(c, $"differential vs {Oracle}: {judged} mutants, agree {t.Agree} ({Percent(t.Agree, judged)}), disagree {t.Disagree} in {t.Classes} classes; campaign seed {CampaignSeed}"));
        foreach (var k in Classes)
        {
            o.WriteLine(string.Create(c, $"  {k.Count,6}  {k.Key}"));
            var e = k.Examples[0];
            o.WriteLine("          e.g. " + e.Mutation);
            o.WriteLine("          ours: " + e.OurFirst);
            o.WriteLine("          " + OracleKey + ": " + e.TheirFirst);
        }
    }

    /// <summary>One line per class example: the checked-in explanation file cites these.</summary>
    public void WriteTsv(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var o = new StreamWriter(path);
        o.WriteLine($"class\tcount\tfield\tours\t{OracleKey}\tseed\titeration\tmutation\tour_exit\tour_first\t{OracleKey}_exit\t{OracleKey}_first");
        foreach (var k in Classes)
        {
            foreach (var e in k.Examples)
            {
                o.WriteLine(string.Join('\t', k.Key, k.Count.ToString(CultureInfo.InvariantCulture), k.Field, k.Ours, k.Theirs, e.Seed,
                    e.Iteration.ToString(CultureInfo.InvariantCulture), Clean(e.Mutation), e.OurExit.ToString(CultureInfo.InvariantCulture), Clean(e.OurFirst),
                    e.TheirExit.ToString(CultureInfo.InvariantCulture), Clean(e.TheirFirst)));
            }
        }
    }

    public void WriteJson(Utf8JsonWriter w)
    {
        var t = Tally;
        w.WriteStartObject();
        w.WriteString("oracle", Oracle);
        w.WriteNumber("agree", t.Agree);
        w.WriteNumber("disagree", t.Disagree);
        w.WriteStartArray("classes");
        foreach (var k in Classes)
        {
            w.WriteStartObject();
            w.WriteString("field", k.Field);
            w.WriteString("ours", k.Ours);
            w.WriteString(OracleKey, k.Theirs);
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
                w.WriteNumber(OracleKey + "_exit", e.TheirExit);
                w.WriteString(OracleKey + "_first", e.TheirFirst);
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
