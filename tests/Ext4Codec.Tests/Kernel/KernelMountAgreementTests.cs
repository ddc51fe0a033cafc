using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ext4Codec.Imaging;
using Ext4Codec.Kernel;
using Ext4Codec.Tests.Corpus;
using Xunit;
using Xunit.Abstractions;

namespace Ext4Codec.Tests.Kernel;

/// <summary>
/// The kernel mount model against what Linux 6.18 did with the e2fsprogs test images (corpus/e2fs-kernel-mounts.tsv):
/// mounted or refused, the errno, and read-write or forced read-only, for -o ro,noload, -o ro and -o rw. Every
/// disagreement must be listed with its reason in docs/kernel-mount-disagreements.md.
/// </summary>
public sealed class KernelMountAgreementTests(ITestOutputHelper output)
{
    private const double Floor = 0.98;
    private const double MessageFloor = 0.95;

    private static string DisagreementsFile => Path.Combine(RepoImages.Root, "docs", "kernel-mount-disagreements.md");

    private static readonly MountRequest[] Requests = [MountRequest.RoNoLoad, MountRequest.Ro, MountRequest.Rw];

    [SkippableFact]
    public void Outcomes_agree_with_the_observed_6_18_kernel()
    {
        Skip.If(E2fsCorpus.Root is null, E2fsCorpus.SkipReason);
        var listed = ListedDisagreements();
        var agreeBy = new Dictionary<MountRequest, int>();
        int agree = 0, judged = 0, refusals = 0, messagesFound = 0;
        var unlisted = new List<string>();
        foreach (var row in ObservedMount.Read())
        {
            using var extracted = E2fsCorpus.Extract(row.Id);
            using var journal = ObservedMount.ExternalJournal(row.Id, extracted);
            using var image = DiskImage.Open(extracted.Path);
            var verdict = KernelMountModel.Judge(image, journal, KernelProfile.Linux6_18);
            foreach (var request in Requests)
            {
                var outcome = verdict.For(request);
                var (observed, messages) = row.For(request);
                string predicted = outcome.Observable;
                judged++;
                if (predicted != observed)
                {
                    output.WriteLine($"{row.Id} -o {request.Options}: predicted {predicted} ({outcome.CheckId}: {outcome.Message}), observed {observed}: {messages}");
                    if (!listed.Contains(row.Id + " " + request.Options)) unlisted.Add(row.Id + " " + request.Options);
                    continue;
                }
                agree++;
                agreeBy[request] = agreeBy.GetValueOrDefault(request) + 1;
                if (outcome.Mounted || outcome.Message.Length == 0) continue;
                refusals++;
                if (ObservedMount.Normalise(messages).Contains(outcome.Message, StringComparison.Ordinal)) messagesFound++;
                else output.WriteLine($"{row.Id} -o {request.Options}: deciding line \"{outcome.Message}\" not in: {messages}");
            }
        }
        double rate = (double)agree / judged;
        double messageRate = refusals == 0 ? 1 : (double)messagesFound / refusals;
        foreach (var request in Requests)
            output.WriteLine($"-o {request.Options}: {agreeBy.GetValueOrDefault(request)}/{judged / Requests.Length}");
        output.WriteLine($"outcomes: {agree}/{judged} = {rate:P1}; deciding line found in the kernel's log for {messagesFound}/{refusals} agreeing refusals = {messageRate:P1}");
        Assert.Empty(unlisted);
        Assert.True(rate >= Floor, $"agreement {rate:P1} is below {Floor:P0}");
        Assert.True(messageRate >= MessageFloor, $"deciding-line rate {messageRate:P1} is below {MessageFloor:P0}");
    }

    /// <summary>"id options" of every row of the disagreement table (lines "| id | options | ...").</summary>
    private static HashSet<string> ListedDisagreements()
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        if (!File.Exists(DisagreementsFile)) return listed;
        foreach (string line in File.ReadLines(DisagreementsFile))
        {
            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length > 3 && cells[1].Length > 0 && !cells[1].StartsWith('-') && cells[1] != "image") listed.Add(cells[1].Trim('`') + " " + cells[2].Trim('`'));
        }
        return listed;
    }
}
