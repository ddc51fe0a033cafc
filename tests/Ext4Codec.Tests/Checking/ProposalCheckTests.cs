using System;
using System.IO;
using System.Linq;
using Ext4Codec.Checking;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Imaging;
using Ext4Codec.Journal;
using Ext4Codec.Tests.Corpus;
using Ext4Codec.Tests.Versioning;
using Ext4Codec.Versioning;
using Xunit;

namespace Ext4Codec.Tests.Checking;

/// <summary>
/// The checker under the proposals: with static_whiteout it accepts the shared whiteout and its links, and flags
/// it once an offline tool (debugfs's set_inode_field, as a chown -R or chmod would) changes its owner or mode;
/// for every proposal it notes the readers that would drop fast-commit records silently.
/// </summary>
public sealed class ProposalCheckTests
{
    [SkippableFact]
    public void An_offline_chown_or_chmod_of_the_shared_whiteout_is_flagged()
    {
        Skip.If(ExternalTool.Find("debugfs") is null, "debugfs (e2fsprogs) is not installed");
        string folder = Directory.CreateTempSubdirectory("shared-whiteout-").FullName;
        try
        {
            string file = ReplayedVariant(new ScenarioVariant(SpecProposals.StaticWhiteout, true, true), folder);
            var options = FsckOptions.For(SpecProposals.StaticWhiteout);
            uint shared;
            using (var image = DiskImage.Open(file))
            {
                var clean = FsckChecker.Check(image, null, options);
                Assert.True(clean.ExitCode == 0, string.Join("\n", clean.Findings.Select(f => f.Code + ": " + f.Message)));
                using var fs = Ext4FileSystem.Open(image);
                shared = SharedWhiteout.Of(fs);
                Assert.Equal(["/upper/b", "/upper/c"], WhiteoutFinder.Find(fs));
            }
            Assert.NotEqual(0u, shared);
            foreach (var (field, value, code) in new[] { ("uid", "1000", "OWNER"), ("gid", "1000", "OWNER"), ("mode", "020644", "MODE") })
            {
                string copy = Path.Combine(folder, field + ".img");
                File.Copy(file, copy, overwrite: true);
                var run = ExternalTool.Run("debugfs", "-w", "-R", $"sif <{shared}> {field} {value}", copy);
                Assert.True(run.Exit == 0 && !run.Errors.Contains("error", StringComparison.OrdinalIgnoreCase), run.Errors);
                using var image = DiskImage.Open(copy);
                var result = FsckChecker.Check(image, null, options);
                Assert.Equal(4, result.ExitCode);
                Assert.Contains(result.Findings, f => f.Code == "EXT4CODEC_SHARED_WHITEOUT_" + code && f.Inode == shared);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A CREAT_DEV without its gate in a later commit: the readers that drop it (and what follows) silently are named; gated, none is.</summary>
    [Fact]
    public void Silent_drops_are_noted_for_each_reader()
    {
        string folder = Directory.CreateTempSubdirectory("silent-drop-").FullName;
        try
        {
            string ungated = CompatCorpus.WriteVariant(new ScenarioVariant(SpecProposals.FcFeature, false, true), folder);
            using (var image = DiskImage.Open(ungated))
            {
                var result = FsckChecker.Check(image, null, FsckOptions.For(SpecProposals.FcFeature));
                var notes = result.Findings.Where(f => f.Code == "EXT4CODEC_FC_SILENT_DROP").Select(f => f.Message).ToList();
                Assert.Contains(notes, n => n.StartsWith("Linux 6.18 ", StringComparison.Ordinal) && n.Contains("CREAT_DEV", StringComparison.Ordinal));
                Assert.Contains(notes, n => n.StartsWith("e2fsck 1.47.0 ", StringComparison.Ordinal));
                // 6.1.0 cannot read 6.2+ blocks at all: its recovery fails, which is not silent.
                Assert.DoesNotContain(notes, n => n.StartsWith("Linux 6.1 ", StringComparison.Ordinal));
                Assert.All(result.Findings.Where(f => f.Code == "EXT4CODEC_FC_SILENT_DROP"), f => Assert.False(f.CountsAsError));
            }
            string gated = CompatCorpus.WriteVariant(new ScenarioVariant(SpecProposals.FcFeature, true, true), folder);
            using (var image = DiskImage.Open(gated))
                Assert.DoesNotContain(FsckChecker.Check(image, null, FsckOptions.For(SpecProposals.FcFeature)).Findings, f => f.Code == "EXT4CODEC_FC_SILENT_DROP");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string ReplayedVariant(ScenarioVariant variant, string folder)
    {
        string written = CompatCorpus.WriteVariant(variant, folder);
        string replayed = Path.Combine(folder, variant.Name + ".replayed.img");
        using var fs = Ext4FileSystem.Open(written);
        Assert.True(Jbd2Journal.TryOpen(fs, out var journal, out string problem), problem);
        var recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
        var scan = FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize, ReaderRules.Of(ReaderProfiles.Ext4codec, variant.Proposal).Scan, (uint)fs.Geometry.Incompat);
        Assert.True(JournalReplayer.TryWrite(fs, journal, recovery, scan, replayed, out string refusal, out _), refusal);
        return replayed;
    }
}
