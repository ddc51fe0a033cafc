using System;
using System.Buffers.Binary;
using System.IO;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Journal;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.FastCommit;

/// <summary>
/// Hostile fast commits that pass the scan: bytes of replayed records are changed and every TAIL's CRC is
/// recomputed, so replay itself meets wild inode numbers, ranges, names and raw inodes. Each round must end in a
/// written image or a refusal, never another exception or a hang.
/// </summary>
public class FcReplayTotalityTests
{
    [SkippableFact]
    public void Resealed_mutated_fast_commits_replay_or_are_refused()
    {
        const string relative = "corpus/fc/fc-4k-namespace.img.gz";
        Skip.If(!File.Exists(RepoImages.PathOf(relative)), "corpus/fc/fc-4k-namespace.img.gz is missing");
        using var image = RepoImages.Extract(relative);
        byte[] original = File.ReadAllBytes(image.Path);
        FcScan scan;
        long[] recordAt;
        using (var fs = Ext4FileSystem.Open(image.Path))
        {
            Assert.True(Jbd2Journal.TryOpen(fs, out var journal, out string problem), problem);
            var recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
            scan = FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize);
            Assert.Equal(FcOutcome.Replay, scan.Outcome);
            recordAt = new long[scan.ReplayTags];
            for (int i = 0; i < recordAt.Length; i++) recordAt[i] = journal.Store.OffsetOf(scan.Records[i].JournalBlock) + scan.Records[i].Offset;
        }

        var random = new Random(20261125);
        string mutated = image.Path + ".mutated", output = image.Path + ".out";
        int written = 0, refused = 0;
        for (int round = 0; round < 60; round++)
        {
            byte[] bytes = (byte[])original.Clone();
            for (int n = 1 + random.Next(6); n > 0; n--)
            {
                int i = random.Next(recordAt.Length);
                var r = scan.Records[i];
                if (r.Tag is FcTag.HEAD or FcTag.TAIL or FcTag.PAD) continue;
                // Value bytes only: headers stay, so the scan still accepts the commit once its CRC is resealed.
                int at = (int)recordAt[i] + 4 + random.Next(Math.Max(1, r.Length));
                bytes[at] = random.Next(4) == 0 ? (byte)0xFF : (byte)random.Next(256);
            }
            Reseal(bytes, scan, recordAt);
            File.WriteAllBytes(mutated, bytes);
            using var fs = Ext4FileSystem.Open(mutated);
            Assert.True(Jbd2Journal.TryOpen(fs, out var journal, out _));
            var recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
            var again = FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize);
            if (JournalReplayer.TryWrite(fs, journal, recovery, again, output, out string refusal, out _)) written++;
            else
            {
                Assert.NotEmpty(refusal);
                Assert.False(File.Exists(output));
                refused++;
            }
        }
        Assert.Equal(60, written + refused);
        Assert.True(written > 0, "no mutated image replayed: the mutations never reach replay");
    }

    /// <summary>Recomputes each commit's TAIL fc_crc: crc32c (seed 0) from the commit's first record through the TAIL's fc_tid.</summary>
    private static void Reseal(byte[] bytes, FcScan scan, long[] recordAt)
    {
        foreach (var commit in scan.Commits)
        {
            if (commit.TailRecord >= recordAt.Length) break;
            uint crc = 0;
            for (int i = commit.FirstRecord; i <= commit.TailRecord; i++)
            {
                int length = scan.Records[i].Tag == FcTag.TAIL ? 4 + 4 : 4 + scan.Records[i].Length;
                crc = Crc32C.Append(crc, bytes.AsSpan((int)recordAt[i], length));
            }
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)recordAt[commit.TailRecord] + 8), crc);
        }
    }
}
