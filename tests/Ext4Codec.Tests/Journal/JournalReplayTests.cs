using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Journal;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Journal;

/// <summary>
/// jbd2 replay against e2fsck's own (<c>e2fsck -E journal_only -y</c>, the kernel's recovery.c) on the e2fsprogs
/// journal tests: the two images must be identical except the superblock fields e2fsck also stamps (s_wtime,
/// s_kbytes_written, hence s_checksum), e2fsck -fn must judge both alike, and the input must not change.
/// </summary>
public class JournalReplayTests
{
    /// <summary>Superblock bytes (offsets in the image) e2fsck rewrites when it writes the superblock.</summary>
    private static readonly (int From, int To)[] StampedBySuperblockWrite = [(1024 + 0x30, 1024 + 0x34), (1024 + 0x178, 1024 + 0x180), (1024 + 0x3FC, 1024 + 0x400)];

    public static IEnumerable<object[]> JournalTests => E2fsCorpus.Ids(r => r["id"].StartsWith("j_", System.StringComparison.Ordinal) && !r["id"].Contains("_ext_"));

    [SkippableTheory]
    [MemberData(nameof(JournalTests))]
    public void Replay_equals_e2fsck_journal_replay(string id)
    {
        Skip.If(id == E2fsCorpus.Absent, E2fsCorpus.SkipReason);
        Skip.If(ExternalTool.Find("e2fsck") is null, "e2fsck (e2fsprogs) is not installed");
        using var image = E2fsCorpus.Extract(id);
        string ours = image.Path + ".ours", theirs = image.Path + ".e2fsck";
        byte[] before = SHA256.HashData(File.ReadAllBytes(image.Path));
        bool written;
        string refusal;
        FcScan scan;
        JournalRecovery recovery;
        using (var fs = Ext4FileSystem.Open(image.Path))
        {
            Skip.If(!Jbd2Journal.TryOpen(fs, out var journal, out string problem), "e2fsck rejects this journal superblock too: " + problem);
            recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
            scan = FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize);
            written = JournalReplayer.TryWrite(fs, journal, recovery, scan, ours, out refusal, out _);
        }
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(image.Path)));
        if (scan.Outcome == FcOutcome.Replay)
        {
            // e2fsck's own fast-commit replay lays blocks out differently; FcReplayTests checks this image against its expect file.
            Assert.True(written, refusal);
            return;
        }
        if (recovery.Error is not null || scan.Outcome == FcOutcome.Failed)
        {
            Assert.False(written);
            Assert.False(File.Exists(ours));
            Assert.NotEmpty(refusal);
            return;
        }
        Assert.True(written, refusal);

        File.Copy(image.Path, theirs);
        ExternalTool.Run("e2fsck", "-E", "journal_only", "-y", theirs);
        byte[] a = File.ReadAllBytes(ours), b = File.ReadAllBytes(theirs);
        Assert.Equal(b.Length, a.Length);
        foreach (var (from, to) in StampedBySuperblockWrite)
        {
            for (int i = from; i < to; i++) a[i] = b[i];
        }
        int first = a.AsSpan().CommonPrefixLength(b);
        Assert.True(first == a.Length, $"first difference at byte {first} (block {first / 1024} of 1 KiB)");
        Assert.Equal(ExternalTool.Run("e2fsck", "-fn", theirs).Exit, ExternalTool.Run("e2fsck", "-fn", ours).Exit);
    }
}
