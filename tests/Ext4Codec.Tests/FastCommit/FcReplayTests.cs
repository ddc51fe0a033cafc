using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Journal;
using Ext4Codec.Tests.Corpus;
using Ext4Codec.Tests.Reader;
using Xunit;

namespace Ext4Codec.Tests.FastCommit;

/// <summary>
/// Fast-commit replay against the kernel that wrote the images (corpus/fc): the replayed tree equals the live tree
/// the workload left before the crash, and differs from the kernel's own replay exactly where Linux 6.18's replay
/// is known to be wrong (named below); e2fsck -fn finds our result clean; the input never changes; the kernel
/// mounts the result without recovery and shows the same tree. Plus e2fsprogs' j_recover_fast_commit expectations.
/// </summary>
public class FcReplayTests
{
    public static IEnumerable<object[]> Images => RepoImages.FastCommit();

    /// <summary>Paths whose line in the kernel's post-replay tree is wrong, per image, and why.</summary>
    private static readonly Dictionary<string, (string[] Paths, string Why)> KernelDeviations = new()
    {
        ["fc-4k-inline"] = (["/inl", "/inl/grows", "/inl/idir"],
            "6.18 gives a directory made in a fast commit nlink 1 and leaves its parent's count; a file that grew from inline data into an extent inside the fast commits reads as zeros"),
        ["fc-4k-namespace"] = (["/", "/d1", "/d2", "/d2/tmpfile", "/d3", "/d3/nested"],
            "6.18 does not recount directory links on mkdir/rmdir replay, and drops an O_TMPFILE+linkat name logged before its inode"),
        ["fc-4k-overlay"] = (["/upper", "/upper/newdir"], "6.18 gives a directory made in a fast commit nlink 1 and leaves its parent's count"),
        ["fc-4k-tmpreuse"] = (["/"], "6.18 leaves the parent's link count after an rmdir replay"),
    };

    /// <summary>Images the kernel cannot mount after its own replay (.mount-error), and why.</summary>
    private static readonly Dictionary<string, string> KernelMountFailures = new()
    {
        ["fc-4k-dirreuse"] = "6.18 leaves an rmdir'ed directory allocated, then cannot re-create one reusing its inode",
        ["fc-4k-htree"] = "a directory made in a fast commit and indexed later has no logged blocks: 6.18 finds a corrupt htree root",
    };

    /// <summary>Paths where our tree may differ from the live one, and why (layout, not content).</summary>
    private static readonly Dictionary<string, (string[] Paths, string Why)> LiveDifferences = new()
    {
        ["fc-4k-htree"] = (["/grow"], "the unlogged htree of a directory made in the fast commits is rebuilt as linear blocks: same entries, another i_size"),
    };

    [SkippableTheory]
    [MemberData(nameof(Images))]
    public void Replay_gives_the_live_tree_and_differs_from_the_kernel_only_where_named(string relativePath)
    {
        Skip.If(relativePath == RepoImages.NoFastCommitImages, "corpus/fc holds no images; run corpus/make-fc-images.sh as root");
        string name = Path.GetFileName(relativePath)[..^".img.gz".Length];
        using var image = RepoImages.Extract(relativePath);
        string ours = image.Path + ".ours";
        var report = Replay(image.Path, ours);

        var actual = TreeOf(ours);
        var live = File.ReadAllLines(RepoImages.Beside(RepoImages.PathOf(relativePath), ".live.tree"));
        var liveAllowed = LiveDifferences.TryGetValue(name, out var l) ? l.Paths : [];
        Assert.Equal(liveAllowed.Order(StringComparer.Ordinal), DifferingPaths(live, actual));

        string kernelTree = RepoImages.Beside(RepoImages.PathOf(relativePath), ".tree");
        if (File.Exists(kernelTree))
        {
            Assert.False(KernelMountFailures.ContainsKey(name), name + " is named as a mount failure but the kernel mounted it");
            var named = KernelDeviations.TryGetValue(name, out var k) ? k.Paths : [];
            Assert.Equal(named.Order(StringComparer.Ordinal), DifferingPaths(File.ReadAllLines(kernelTree), actual));
            Assert.Equal(named.Length > 0, report.Deviations.Count > 0);
        }
        else
        {
            Assert.True(File.Exists(RepoImages.Beside(RepoImages.PathOf(relativePath), ".mount-error")), "no .tree and no .mount-error for " + name);
            Assert.True(KernelMountFailures.ContainsKey(name), name + ": the kernel could not mount its replay; name why in KernelMountFailures");
            Assert.NotEmpty(report.Deviations);
        }

        using (var fs = Ext4FileSystem.Open(ours))
        {
            Assert.Equal((Ext4FeatureIncompat)0, fs.SuperBlock.s_feature_incompat & Ext4FeatureIncompat.INCOMPAT_RECOVER);
            Assert.True(Jbd2Journal.TryOpen(fs, out var journal, out string problem), problem);
            Assert.False(JournalScanner.Recover(journal.Store, journal.Geometry).NeedsRecovery);
        }
        Skip.If(ExternalTool.Find("e2fsck") is null, "e2fsck (e2fsprogs) is not installed");
        var fsck = ExternalTool.Run("e2fsck", "-fn", ours);
        Assert.True(fsck.Exit == 0, "e2fsck -fn after our replay:\n" + fsck.Output);
    }

    [SkippableTheory]
    [MemberData(nameof(Images))]
    public void Kernel_mounts_the_replayed_image_and_shows_the_same_tree(string relativePath)
    {
        Skip.If(relativePath == RepoImages.NoFastCommitImages, "corpus/fc holds no images; run corpus/make-fc-images.sh as root");
        Skip.If(!OperatingSystem.IsLinux() || Environment.UserName != "root", "mounting needs root on Linux (loop devices)");
        Skip.If(ExternalTool.Find("mount") is null || ExternalTool.Find("bash") is null, "mount or bash missing");
        using var image = RepoImages.Extract(relativePath);
        string ours = image.Path + ".ours", mnt = image.Path + ".mnt", dump = image.Path + ".dump";
        Replay(image.Path, ours);
        Directory.CreateDirectory(mnt);
        var mount = ExternalTool.Run("mount", "-o", "loop,ro", ours, mnt);
        Assert.True(mount.Exit == 0, "the kernel refuses our replayed image: " + mount.Errors);
        try
        {
            string script = $"work=$(mktemp -d); die() {{ echo \"$*\" >&2; exit 1; }}; . '{RepoImages.PathOf(Path.Combine("corpus", "tree-dump.sh"))}'; dump_tree '{mnt}' '{dump}'; rm -rf \"$work\"";
            var run = ExternalTool.Run("bash", "-c", script);
            Assert.True(run.Exit == 0, run.Errors);
        }
        finally
        {
            ExternalTool.Run("umount", mnt);
        }
        Assert.Equal(File.ReadAllLines(dump), TreeOf(ours));
    }

    [SkippableFact]
    public void E2fsprogs_fast_commit_test_reaches_the_state_its_expect_file_records()
    {
        const string id = "j_recover_fast_commit";
        Skip.If(E2fsCorpus.Root is null, E2fsCorpus.SkipReason);
        Skip.If(ExternalTool.Find("e2fsck") is null || ExternalTool.Find("debugfs") is null, "e2fsprogs is not installed");
        using var image = E2fsCorpus.Extract(id);
        string ours = image.Path + ".ours";
        Replay(image.Path, ours);
        var expect = File.ReadAllLines(Path.Combine(E2fsCorpus.Root, "images", id + ".expect"));

        var fsck = ExternalTool.Run("e2fsck", "-fn", ours);
        Assert.Equal(0, fsck.Exit);
        string summary = expect.Single(x => x.StartsWith("test_filesys: ", StringComparison.Ordinal))["test_filesys: ".Length..];
        Assert.Contains(summary, fsck.Output, StringComparison.Ordinal);

        // debugfs output after "debugfs: <cmd>" in the expect file, up to the next command.
        foreach (string command in new[] { "ls", "ls a/", "ex a/new", "ex a/data" })
        {
            var wanted = expect.SkipWhile(x => x != "debugfs: " + command).Skip(1).TakeWhile(x => !x.StartsWith("debugfs: ", StringComparison.Ordinal)).Select(x => x.TrimEnd()).ToList();
            var got = ExternalTool.Run("debugfs", "-R", command, ours).Output.Split('\n').Select(x => x.TrimEnd()).Where(x => x.Length > 0).ToList();
            // The index node of a/data is wherever the allocator put it; every extent below it must match.
            if (command == "ex a/data")
            {
                wanted = wanted.Where(x => !x.TrimStart().StartsWith("0/", StringComparison.Ordinal)).ToList();
                got = got.Where(x => !x.TrimStart().StartsWith("0/", StringComparison.Ordinal)).ToList();
            }
            Assert.Equal(wanted.Where(x => x.Length > 0), got);
        }
    }

    /// <summary>Replays <paramref name="input"/> into <paramref name="output"/>, checking the input stays as it was.</summary>
    private static FcReplayReport Replay(string input, string output)
    {
        byte[] before = SHA256.HashData(File.ReadAllBytes(input));
        FcReplayReport? report;
        using (var fs = Ext4FileSystem.Open(input))
        {
            Assert.True(Jbd2Journal.TryOpen(fs, out var journal, out string problem), problem);
            var recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
            var scan = FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize);
            Assert.Equal(FcOutcome.Replay, scan.Outcome);
            Assert.True(JournalReplayer.TryWrite(fs, journal, recovery, scan, output, out string refusal, out report), refusal);
        }
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(input)));
        Assert.NotNull(report);
        return report;
    }

    private static List<string> TreeOf(string path)
    {
        using var fs = Ext4FileSystem.Open(path);
        var errors = new List<Corruption>();
        var lines = CanonicalTree.Lines(fs, errors);
        Assert.Empty(errors);
        return lines;
    }

    private static List<string> DifferingPaths(IEnumerable<string> expected, IEnumerable<string> actual)
    {
        static Dictionary<string, string> ByPath(IEnumerable<string> lines) => lines.ToDictionary(x => x.Split('\t')[0], StringComparer.Ordinal);
        var a = ByPath(expected);
        var b = ByPath(actual);
        return a.Keys.Union(b.Keys).Where(p => !a.TryGetValue(p, out var x) || !b.TryGetValue(p, out var y) || x != y).Order(StringComparer.Ordinal).ToList();
    }
}
