using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Journal;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Journal;

/// <summary>
/// Recovery verdicts against e2fsck's on the e2fsprogs journal tests (its recovery.c is the kernel's): a failed
/// recovery ("… while recovering journal"), an aborted transaction ("Journal transaction N was corrupt, replay
/// was aborted.", which the kernel's jbd2_journal_load turns into a failed load), a journal superblock e2fsck
/// rejects, or a clean replay.
/// </summary>
public class JournalRecoveryTests
{
    public static IEnumerable<object[]> JournalTests => E2fsCorpus.Ids(r => r["id"].StartsWith("j_", System.StringComparison.Ordinal) && !r["id"].Contains("_ext_"));

    [SkippableTheory]
    [MemberData(nameof(JournalTests))]
    public void Verdict_equals_e2fsck(string id)
    {
        Skip.If(id == E2fsCorpus.Absent, E2fsCorpus.SkipReason);
        string expect = File.ReadAllText(Directory.GetFiles(Path.Combine(E2fsCorpus.Root!, "images"), id + ".expect*").Order().First());
        using var image = E2fsCorpus.Extract(id);
        using var fs = Ext4FileSystem.Open(image.Path);
        bool rejected = expect.Contains("Journal superblock is corrupt") || expect.Contains("invalid journal");
        bool opened = Jbd2Journal.TryOpen(fs, out var journal, out string problem);
        Assert.True(opened != rejected, $"e2fsck {(rejected ? "rejects" : "accepts")} the journal superblock; we: {(opened ? "open it" : problem)}");
        if (!opened) return;

        var recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
        // A corrupt commit fails the kernel's journal load (EFSCORRUPTED); e2fsck replays up to it and says so.
        var aborted = Regex.Match(expect, @"Journal transaction (\d+) was corrupt, replay was aborted");
        Assert.Equal(aborted.Success ? uint.Parse(aborted.Groups[1].Value) : null, recovery.FailedCommit);
        bool failed = expect.Contains("while recovering journal") || aborted.Success;
        Assert.True(failed == (recovery.Error is not null), $"e2fsck: {(failed ? "recovery fails" : "recovery succeeds")}; we: {recovery.Error?.Message ?? "succeeds"}");
        if (expect.Contains("Invalid argument while recovering journal")) Assert.Equal("EINVAL", recovery.Error!.Errno);
        if (aborted.Success) Assert.Equal("EFSCORRUPTED", recovery.Error!.Errno);
    }

    /// <summary>j_recover_fast_commit: one jbd2 transaction, then one fast commit (15 records) whose TAIL CRC the kernel wrote.</summary>
    [SkippableFact]
    public void Fast_commit_test_image_replays_its_one_commit()
    {
        Skip.If(E2fsCorpus.Root is null, E2fsCorpus.SkipReason);
        using var image = E2fsCorpus.Extract("j_recover_fast_commit");
        using var fs = Ext4FileSystem.Open(image.Path);
        Assert.True(Jbd2Journal.TryOpen(fs, out var journal, out string problem), problem);
        var recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
        Assert.Null(recovery.Error);
        Assert.Equal((5u, 6u, 8), (recovery.StartTransaction, recovery.EndTransaction, recovery.NrReplays));

        var scan = FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize);
        Assert.Equal(FcOutcome.Replay, scan.Outcome);
        Assert.Equal(15, scan.ReplayTags);
        var commit = Assert.Single(scan.Commits);
        Assert.True(commit.Valid);
        Assert.Equal(scan.Records[commit.TailRecord].Crc, scan.Records[commit.TailRecord].ComputedCrc);
        Assert.All(scan.Records, r => Assert.Equal(FcRecordState.Replayed, r.State));
    }
}
