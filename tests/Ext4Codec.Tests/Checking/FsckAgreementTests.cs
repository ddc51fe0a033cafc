using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Ext4Codec.Checking;
using Ext4Codec.Imaging;
using Ext4Codec.Tests.Corpus;
using Xunit;
using Xunit.Abstractions;

namespace Ext4Codec.Tests.Checking;

/// <summary>
/// The e2fsck -fn equivalent against e2fsck 1.47.0's own -fn verdicts on e2fsprogs' test images: exit class
/// per image (issue #4 asks ≥ 95%; the test holds the floor reached so far), problem-code precision and recall against fn_problem_codes_1470, and every disagreement
/// listed in docs/fsck-disagreements.tsv with its reason.
/// </summary>
public sealed class FsckAgreementTests(ITestOutputHelper output)
{
    private static string DisagreementsFile => Path.Combine(RepoImages.Root, "docs", "fsck-disagreements.tsv");

    /// <summary>The agreement reached so far (issue #4 asks 95%): a regression below it fails.</summary>
    private const double Floor = 0.95;

    [SkippableFact]
    public void Exit_codes_agree_with_e2fsck_fn_on_the_e2fsprogs_images()
    {
        Skip.If(E2fsCorpus.Root is null, E2fsCorpus.SkipReason);
        var listed = ReadDisagreements();
        int agree = 0, judged = 0, tp = 0, fp = 0, fn = 0;
        double slowest = 0;
        var unlisted = new List<string>();
        foreach (var row in E2fsCorpus.Manifest)
        {
            string id = row["id"];
            if (row["fn_exit"] == "timeout") continue;
            judged++;
            using var extracted = E2fsCorpus.Extract(id);
            var clock = Stopwatch.StartNew();
            FsckResult result;
            using (var image = DiskImage.Open(extracted.Path)) result = FsckChecker.Check(image);
            slowest = Math.Max(slowest, clock.Elapsed.TotalSeconds);
            int expected = int.Parse(row["fn_exit"]);
            var ours = result.Findings.Select(f => f.Code).ToHashSet();
            var theirs = row["fn_problem_codes_1470"].Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
            tp += ours.Count(theirs.Contains);
            fp += ours.Count(c => !theirs.Contains(c));
            fn += theirs.Count(c => !ours.Contains(c));
            if (result.ExitCode == expected) agree++;
            else
            {
                output.WriteLine($"{id}: ours {result.ExitCode}, e2fsck {expected}; ours [{string.Join(",", ours.Order())}] theirs [{string.Join(",", theirs.Order())}] {result.AbortReason}");
                if (!listed.Contains(id)) unlisted.Add(id);
            }
        }
        double rate = (double)agree / judged;
        output.WriteLine($"exit class: {agree}/{judged} = {rate:P1}; codes: precision {Ratio(tp, tp + fp):P1}, recall {Ratio(tp, tp + fn):P1}; slowest image {slowest:F2} s");
        Assert.Empty(unlisted);
        Assert.True(rate >= Floor, $"exit-class agreement {rate:P1} is below {Floor:P0}");
    }

    private static double Ratio(int a, int b) => b == 0 ? 1 : (double)a / b;

    private static HashSet<string> ReadDisagreements()
    {
        if (!File.Exists(DisagreementsFile)) return [];
        return File.ReadLines(DisagreementsFile).Where(l => l.Length > 0 && l[0] != '#' && !l.StartsWith("id\t", StringComparison.Ordinal))
            .Select(l => l.Split('\t')[0]).ToHashSet();
    }
}
