using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Ext4Codec.Live;
using Ext4Codec.Tests.Corpus;
using Ext4Codec.Versioning;
using Xunit;
using Xunit.Abstractions;

namespace Ext4Codec.Tests.Versioning;

/// <summary>
/// The compat predictions against the live system this test runs on, asked again (as root): each scenario variant
/// loop-mounted on the running kernel with an overlay stacked on its upper directory, e2fsck -fn and -fy on copies,
/// this project's replay mounted and checked; and the static-whiteout measurement of fast-commit eligibility
/// repeated through /proc/fs/ext4/DEV/fc_info. Skips without root, loop devices or a profile for the running versions.
/// </summary>
public sealed class CompatLiveTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Predictions_equal_what_the_running_kernel_and_e2fsck_do()
    {
        Skip.If(CompatObserver.Unavailable is not null, CompatObserver.Unavailable + "; skipped");
        Skip.If(ReaderRules.Describing("kernel", CompatObserver.KernelRelease) is null, $"no kernel profile describes Linux {CompatObserver.KernelRelease}; skipped");
        Skip.If(ReaderRules.Describing("checker", CompatObserver.E2fsckVersion) is null, $"no e2fsck profile describes e2fsck {CompatObserver.E2fsckVersion}; skipped");
        string folder = Directory.CreateTempSubdirectory("compat-live-").FullName;
        try
        {
            using var observer = new CompatObserver(WhiteoutScenario.LowerNames);
            var verification = CompatVerification.OfRunningSystem(observer, folder);
            var rows = new List<CompatCheckRow>();
            rows.AddRange(verification.Verify(CompatCorpus.Plain(CompatCorpus.KernelToday, folder), "kernel-today", null, CompatCorpus.Upper));
            foreach (var variant in ScenarioVariant.All())
                rows.AddRange(verification.Verify(CompatCorpus.WriteVariant(variant, folder), variant.Name, variant.Proposal, CompatCorpus.Upper));
            int disagree = 0;
            foreach (var row in rows)
            {
                if (row.Agrees) continue;
                disagree++;
                output.WriteLine($"{row.Variant} {row.Oracle}: predicted {row.Predicted}, observed {row.Observed} ({row.Detail})");
            }
            output.WriteLine($"{rows.Count - disagree} of {rows.Count} agree on Linux {CompatObserver.KernelRelease}, e2fsck {CompatObserver.E2fsckVersion}");
            Assert.Equal(0, disagree);
            Assert.Contains(rows, r => r.Oracle == "replay+mount" && r.Observed == "ok:rw whiteouts=b,c hidden=b,c");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Proposal static_whiteout hoped that whiteouts as links to one shared character device would be fast-commit
    /// eligible; on the running kernel a link to a character device is as ineligible as a mknod ("Data journalling":
    /// ext4_fc_track_inode refuses every non-regular inode), while a link to a regular file is a fast commit. The
    /// counts must match corpus/compat/static-whiteout-fc.tsv, recorded by the corpus script.
    /// </summary>
    [SkippableFact]
    public void A_link_to_a_shared_whiteout_is_not_fast_commit_eligible()
    {
        Skip.If(LoopMounter.Unavailable is not null, LoopMounter.Unavailable + "; skipped");
        Skip.IfNot(File.Exists("/sys/fs/ext4/features/fast_commit"), "the running kernel's ext4 has no fast_commit; skipped");
        var recorded = RecordedEligibility();
        var measured = new Dictionary<string, (int Commits, int Ineligible)>();
        string folder = Directory.CreateTempSubdirectory("compat-fcinfo-").FullName;
        try
        {
            string image = CompatCorpus.Plain(CompatCorpus.BaseImage, folder);
            using var loop = new LoopMounter();
            var mount = loop.Attempt(image, null, "rw,commit=600,noatime", root =>
            {
                string fcInfo = FcInfoPath(root);
                Tool("touch", Path.Combine(root, "anchor"));
                Tool("sync", "-f", root);
                Tool("mknod", Path.Combine(root, "shared-whiteout"), "c", "0", "0");
                File.WriteAllText(Path.Combine(root, "regular"), "regular\n");
                Tool("sync", "-f", root);
                void Measure(string what, params string[] command)
                {
                    var before = Counts(fcInfo);
                    Tool(command);
                    AppendAndFsync(Path.Combine(root, "anchor"), what);
                    var after = Counts(fcInfo);
                    measured[what] = (after.Commits - before.Commits, after.Ineligible - before.Ineligible);
                }
                Measure("link to a regular file", "ln", Path.Combine(root, "regular"), Path.Combine(root, "upper", "regular-link"));
                Measure("link to the shared whiteout (c 0:0)", "ln", Path.Combine(root, "shared-whiteout"), Path.Combine(root, "upper", "b"));
                Measure("mknod of a whiteout (c 0:0)", "mknod", Path.Combine(root, "upper", "c"), "c", "0", "0");
            });
            Assert.True(mount.Mounted, "the base image did not mount: " + mount.JoinedMessages);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        foreach (var (what, delta) in measured) output.WriteLine($"{what}: {delta.Commits} fast commits, {delta.Ineligible} ineligible");
        Assert.Equal(recorded, measured);
        Assert.Equal((1, 0), measured["link to a regular file"]);
        Assert.Equal((0, 1), measured["link to the shared whiteout (c 0:0)"]);
    }

    private static Dictionary<string, (int, int)> RecordedEligibility()
    {
        var rows = new Dictionary<string, (int, int)>();
        foreach (string line in File.ReadLines(RepoImages.PathOf("corpus/compat/static-whiteout-fc.tsv")))
        {
            var f = line.Split('\t');
            if (line.StartsWith('#') || f[0] == "operation") continue;
            rows[f[0]] = (int.Parse(f[4]) - int.Parse(f[1]), int.Parse(f[5]) - int.Parse(f[2]));
        }
        return rows;
    }

    /// <summary>/proc/fs/ext4/loopN/fc_info of the filesystem mounted at <paramref name="root"/>.</summary>
    private static string FcInfoPath(string root)
    {
        foreach (string line in File.ReadLines("/proc/mounts"))
        {
            var f = line.Split(' ');
            if (f.Length > 1 && f[1] == root) return $"/proc/fs/ext4/{Path.GetFileName(f[0])}/fc_info";
        }
        throw new InvalidOperationException(root + " is not mounted");
    }

    /// <summary>fc_info's "N commits" and "N ineligible" lines (fs/ext4/fast_commit.c ext4_fc_info_show).</summary>
    private static (int Commits, int Ineligible) Counts(string fcInfo)
    {
        int commits = -1, ineligible = -1;
        foreach (string line in File.ReadLines(fcInfo))
        {
            var f = line.Trim().Split(' ');
            if (f.Length == 2 && f[1] == "commits") commits = int.Parse(f[0]);
            if (f.Length == 2 && f[1] == "ineligible") ineligible = int.Parse(f[0]);
        }
        return (commits, ineligible);
    }

    /// <summary>An fsync of a regular file: the only call that makes a fast commit (format-notes §9).</summary>
    private static void AppendAndFsync(string path, string text)
    {
        using var file = new FileStream(path, FileMode.Append, FileAccess.Write);
        file.Write(Encoding.ASCII.GetBytes(text + "\n"));
        file.Flush(flushToDisk: true);
    }

    private static void Tool(params string[] command)
    {
        var run = ExternalTool.Run(command[0], command[1..]);
        if (run.Exit != 0) throw new InvalidOperationException(string.Join(' ', command) + " failed: " + run.Errors);
    }
}
