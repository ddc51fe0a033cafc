using System;
using System.IO;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Imaging;
using Ext4Codec.Journal;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Journal;

/// <summary>
/// Hostile journals: random bytes written over the log and the fast-commit area of a real journal (checksums
/// left wrong, so every rejection path runs) must end in a verdict or a <see cref="CorruptDataException"/>, never
/// another exception or a hang.
/// </summary>
public class JournalTotalityTests
{
    [SkippableFact]
    public void Mutated_journals_always_get_a_verdict()
    {
        Skip.If(E2fsCorpus.Root is null, E2fsCorpus.SkipReason);
        using var image = E2fsCorpus.Extract("j_recover_fast_commit");
        byte[] original = File.ReadAllBytes(image.Path);
        long journalStart, journalEnd;
        using (var fs = Ext4FileSystem.Open(image.Path))
        {
            Assert.True(Jbd2Journal.TryOpen(fs, out var journal, out string problem), problem);
            journalStart = journal.Store.OffsetOf(0);
            journalEnd = journal.Store.OffsetOf(journal.Geometry.MaxLen - 1) + journal.Geometry.BlockSize;
        }
        var random = new Random(20261125);
        int verdicts = 0;
        for (int round = 0; round < 400; round++)
        {
            byte[] bytes = (byte[])original.Clone();
            int flips = 1 + random.Next(64);
            for (int i = 0; i < flips; i++)
            {
                // Mostly the blocks recovery reads (superblock, first log blocks, fast-commit area), sometimes anywhere.
                long at = random.Next(4) switch
                {
                    0 => journalStart + random.Next(1024),
                    1 => journalStart + 1024 + random.Next(10 * 1024),
                    2 => journalEnd - 15 * 1024 + random.Next(15 * 1024),
                    _ => journalStart + (long)(random.NextDouble() * (journalEnd - journalStart)),
                };
                bytes[at] = random.Next(3) == 0 ? (byte)0xFF : (byte)random.Next(256);
            }
            using var disk = DiskImage.FromStream(new MemoryStream(bytes));
            try
            {
                using var fs = Ext4FileSystem.Open(disk);
                if (!Jbd2Journal.TryOpen(fs, out var journal, out _)) { verdicts++; continue; }
                var recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
                var scan = FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize);
                Assert.True(Enum.IsDefined(scan.Outcome));
                verdicts++;
            }
            catch (CorruptDataException)
            {
                verdicts++;
            }
        }
        Assert.Equal(400, verdicts);
    }
}
