using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Ext4Codec.Imaging;
using Ext4Codec.Kernel;
using Ext4Codec.Live;
using Ext4Codec.Tests.Corpus;
using Xunit;
using Xunit.Abstractions;

namespace Ext4Codec.Tests.Kernel;

/// <summary>
/// The kernel mount model against the kernel this test runs on: every e2fsprogs test image is loop-mounted
/// -o ro,noload, -o ro and -o rw (each on a fresh copy, see <see cref="LoopMounter"/>) and the outcome — mounted or
/// refused, the errno, read-write or forced read-only — is compared with the prediction. Unlike
/// <see cref="KernelMountAgreementTests"/>, which replays a recorded run, this asks the live kernel, so it needs root,
/// loop devices and a kernel the model profiles; it skips elsewhere.
/// </summary>
public sealed class LiveKernelMountTests(ITestOutputHelper output)
{
    private const double Floor = 0.98;

    private static readonly MountRequest[] Requests = [MountRequest.RoNoLoad, MountRequest.Ro, MountRequest.Rw];

    [SkippableFact]
    public void Outcomes_agree_with_the_running_kernel()
    {
        Skip.If(LoopMounter.Unavailable is not null, LoopMounter.Unavailable + "; skipped");
        Skip.IfNot(KernelProfile.TryGet(LoopMounter.KernelRelease, out var profile),
            $"the running kernel is {LoopMounter.KernelRelease}; the mount model profiles only Linux {string.Join(", ", KernelProfile.Known.Select(p => p.Version))}; live mounts skipped");
        Skip.If(E2fsCorpus.Root is null, E2fsCorpus.SkipReason);
        var clock = Stopwatch.StartNew();
        var agreeBy = new Dictionary<MountRequest, int>();
        int agree = 0, judged = 0;
        List<string> stillAttached;
        using (var loop = new LoopMounter())
        {
            foreach (var row in E2fsCorpus.Manifest)
            {
                string id = row["id"];
                using var extracted = E2fsCorpus.Extract(id);
                string? journalFile = ObservedMount.ExternalJournalFile(id, extracted);
                KernelVerdict verdict;
                using (var image = DiskImage.Open(extracted.Path))
                using (var journal = journalFile is null ? null : DiskImage.Open(journalFile))
                    verdict = KernelMountModel.Judge(image, journal, profile);
                foreach (var request in Requests)
                {
                    var outcome = verdict.For(request);
                    string predicted = outcome.Observable;
                    var live = loop.Attempt(extracted.Path, journalFile, request);
                    string observed = live.Observable(request), messages = live.JoinedMessages;
                    judged++;
                    if (predicted != observed)
                    {
                        string why = outcome.CheckId.Length > 0 ? outcome.CheckId + ": " + outcome.Message : outcome.Message;
                        output.WriteLine($"{id} -o {request.Options}: predicted {predicted} ({why}), kernel {observed}: {messages}");
                        continue;
                    }
                    agree++;
                    agreeBy[request] = agreeBy.GetValueOrDefault(request) + 1;
                }
            }
            stillAttached = loop.StillAttached();
        }
        double rate = (double)agree / judged;
        foreach (var request in Requests)
            output.WriteLine($"-o {request.Options}: {agreeBy.GetValueOrDefault(request)}/{judged / Requests.Length}");
        output.WriteLine($"outcomes: {agree}/{judged} = {rate:P1} with Linux {LoopMounter.KernelRelease}, in {clock.Elapsed.TotalSeconds:F0} s");
        Assert.Empty(stillAttached);
        Assert.True(rate >= Floor, $"agreement with the running kernel {rate:P1} is below {Floor:P0}");
    }
}
