using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Journal;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Journal;

/// <summary>
/// The log walk and the fast-commit listing against debugfs logdump on every image with a journal superblock:
/// the same metadata blocks (tid, type, block) and data blocks in the same order, and the same fast-commit
/// records. logdump ignores checksums, so where recovery stops early (bad checksum, stale blocks) our walk must
/// be a prefix of logdump's; elsewhere the two are equal.
/// </summary>
public class JournalLogdumpTests
{
    public static IEnumerable<object[]> CorpusImages => E2fsCorpus.Ids(r =>
        File.ReadAllText(Path.Combine(E2fsCorpus.Root!, "dumpe2fs-h", r["id"] + ".dumpe2fs-h.txt")).Contains("Journal sequence:"));

    [SkippableTheory]
    [MemberData(nameof(CorpusImages))]
    public void Corpus_journal_equals_logdump(string id)
    {
        Skip.If(id == E2fsCorpus.Absent, E2fsCorpus.SkipReason);
        Skip.If(ExternalTool.Find("debugfs") is null, "debugfs (e2fsprogs) is not installed");
        using var image = E2fsCorpus.Extract(id);
        AssertAgrees(image.Path);
    }

    public static IEnumerable<object[]> RepoImageFiles => RepoImages.All().Concat(RepoImages.FastCommit());

    [SkippableTheory]
    [MemberData(nameof(RepoImageFiles))]
    public void Repo_image_journal_equals_logdump(string relative)
    {
        Skip.If(relative == RepoImages.NoFastCommitImages, "corpus/fc has no images yet (corpus/make-fc-images.sh makes them)");
        Skip.If(ExternalTool.Find("debugfs") is null, "debugfs (e2fsprogs) is not installed");
        using var image = RepoImages.Extract(relative);
        AssertAgrees(image.Path);
    }

    private static void AssertAgrees(string path)
    {
        using var fs = Ext4FileSystem.Open(path);
        Skip.If(!Jbd2Journal.TryOpen(fs, out var journal, out string problem), "journal not readable: " + problem);
        var recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
        var dump = Logdump.Of(path);

        var ours = recovery.Transactions.SelectMany(t => t.MetadataBlocks.Select(b => (t.Tid, (uint)b.Type, b.LogBlock))).ToList();
        var data = recovery.Transactions.SelectMany(t => t.DataBlocks.Select(b => (b.FsBlock, b.LogBlock))).ToList();
        bool straight = recovery.Error is null && recovery.Notes.Count == 0 && recovery.FailedCommit is null;
        if (straight)
        {
            Assert.Equal(dump.MetadataBlocks, ours);
            Assert.Equal(dump.DataBlocks, data);
        }
        else
        {
            Assert.True(ours.Count <= dump.MetadataBlocks.Count && dump.MetadataBlocks.Take(ours.Count).SequenceEqual(ours), dump.Text);
            Assert.True(data.Count <= dump.DataBlocks.Count && dump.DataBlocks.Take(data.Count).SequenceEqual(data), dump.Text);
        }

        if (!fs.Geometry.Has(Ext4FeatureCompat.COMPAT_FAST_COMMIT) || dump.FcTags.Count == 0) return;
        var scan = FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize);
        Assert.True(dump.FcTags.Count <= scan.Records.Count, $"logdump lists {dump.FcTags.Count} fast-commit records, we list {scan.Records.Count}\n{dump.Text}");
        for (int i = 0; i < dump.FcTags.Count; i++)
        {
            string mine = AsLogdump(scan.Records[i]);
            Assert.True(dump.FcTags[i].StartsWith(mine, System.StringComparison.Ordinal), $"record {i}: logdump '{dump.FcTags[i]}', ours '{mine}'");
        }
    }

    /// <summary>A record as logdump's dump_fc_block prints it; dentry names are compared as a prefix (logdump prints up to a NUL).</summary>
    private static string AsLogdump(FcRecord r) => r.Tag switch
    {
        FcTag.ADD_RANGE => $"tag ADD_RANGE, inode {r.Ino}, lblk {r.Lblk}, pblk {r.Pblk}, len {r.Len}",
        FcTag.DEL_RANGE => $"tag DEL_RANGE, inode {r.Ino}, lblk {(int)r.Lblk}, len {(int)r.Len}", // logdump prints these with %d
        FcTag.CREAT => Dentry("CREAT_DENTRY", r),
        FcTag.LINK => Dentry("ADD_ENTRY", r),
        FcTag.UNLINK => Dentry("DEL_ENTRY", r),
        FcTag.INODE => $"tag INODE, inode {r.Ino}",
        FcTag.PAD => "tag PAD",
        FcTag.TAIL => $"tag TAIL, tid {r.Tid}",
        _ => $"tag HEAD, features 0x{r.Features:x}, tid {r.Tid}",
    };

    private static string Dentry(string name, FcRecord r)
        => $"tag {name}, parent {r.ParentIno}, ino {r.Ino}, name \"{System.Text.Encoding.Latin1.GetString(r.Name.TakeWhile(b => b != 0).ToArray())}";
}
