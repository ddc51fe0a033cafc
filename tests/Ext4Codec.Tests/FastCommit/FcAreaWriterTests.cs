using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Imaging;
using Ext4Codec.Tests.Corpus;
using Ext4Codec.Tests.Journal;
using Ext4Codec.Tests.Versioning;
using Xunit;

namespace Ext4Codec.Tests.FastCommit;

/// <summary>
/// The fast-commit writer against e2fsprogs: debugfs's logdump reads back the records written (HEAD, each record,
/// PADs where a commit spans blocks, TAILs with the tid), dumpe2fs shows the gates set, e2fsck -fy replays the base
/// records into the files they describe; and the writer refuses what it must not write.
/// </summary>
public sealed class FcAreaWriterTests
{
    [SkippableFact]
    public void Logdump_reads_back_what_was_written()
    {
        Skip.If(ExternalTool.Find("debugfs") is null, "debugfs (e2fsprogs) is not installed");
        // 40 new files in one commit: 40 x (INODE 164 + CREAT 14) bytes span two 4k blocks.
        var big = new List<FcRecordSpec>();
        for (uint i = 0; i < 40; i++) big.AddRange(FcAreas.NewFile(FcAreas.FirstFree + i, "file" + i));
        var second = new List<FcRecordSpec> { FcRecordSpec.Link(FcAreas.Root, FcAreas.FirstFree, "alias"u8), FcRecordSpec.Unlink(FcAreas.Upper, FcAreas.FirstFree + 1, "file1"u8) };
        using var area = new FcAreas(new FcWriteRequest { Commits = [big, second] });
        string file = Save(area.Image);
        try
        {
            var tags = Logdump.Of(file).FcTags;
            uint tid = area.Report.Tid;
            var expected = new List<string> { $"tag HEAD, features 0x0, tid {tid}" };
            for (uint i = 0; i < 40; i++)
            {
                expected.Add($"tag INODE, inode {FcAreas.FirstFree + i}");
                expected.Add($"tag CREAT_DENTRY, parent {FcAreas.Upper}, ino {FcAreas.FirstFree + i}, name \"file{i}\"");
            }
            expected.Add($"tag TAIL, tid {tid}");
            expected.Add($"tag ADD_ENTRY, parent {FcAreas.Root}, ino {FcAreas.FirstFree}, name \"alias\"");
            expected.Add($"tag DEL_ENTRY, parent {FcAreas.Upper}, ino {FcAreas.FirstFree + 1}, name \"file1\"");
            expected.Add($"tag TAIL, tid {tid}");
            // logdump prints a name up to a NUL, and names are not NUL-terminated: compare up to the name's end.
            var listed = tags.Where(t => t != "tag PAD").ToList();
            Assert.Equal(expected.Count, listed.Count);
            for (int i = 0; i < expected.Count; i++)
                Assert.True(listed[i].StartsWith(expected[i].TrimEnd('"'), StringComparison.Ordinal), $"record {i}: logdump '{listed[i]}', written '{expected[i]}'");
            Assert.Contains("tag PAD", tags);
            Assert.Equal(3, area.Report.Blocks);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>e2fsck 1.47.0 replays the area (e2fsck/journal.c): a created file, a second link, an unlink.</summary>
    [SkippableFact]
    public void E2fsck_replays_the_written_commits()
    {
        Skip.If(ExternalTool.Find("e2fsck") is null || ExternalTool.Find("debugfs") is null, "e2fsck and debugfs (e2fsprogs) are not installed");
        var create = FcAreas.NewFile(FcAreas.FirstFree, "file");
        create.AddRange(FcAreas.NewFile(FcAreas.FirstFree + 1, "gone"));
        var raw = FcAreas.RegularInode();
        new InodeWriter(raw).i_links_count = 2;
        var link = new List<FcRecordSpec>
        {
            FcRecordSpec.Link(FcAreas.Root, FcAreas.FirstFree, "alias"u8),
            FcRecordSpec.Inode(FcAreas.FirstFree, raw),
            FcRecordSpec.Unlink(FcAreas.Upper, FcAreas.FirstFree + 1, "gone"u8),
        };
        using var area = new FcAreas(new FcWriteRequest { Commits = [create, link] });
        string file = Save(area.Image);
        try
        {
            var fsck = ExternalTool.Run("e2fsck", "-fy", file);
            Assert.True(fsck.Exit is 0 or 1, fsck.Output + fsck.Errors);
            Assert.Contains("recovering journal", fsck.Output);
            Assert.DoesNotContain("while recovering journal", fsck.Output + fsck.Errors);
            string upper = ExternalTool.Run("debugfs", "-R", "ls -p /upper", file).Output;
            string root = ExternalTool.Run("debugfs", "-R", "ls -p /", file).Output;
            Assert.Contains($"/{FcAreas.FirstFree}/100644/0/0/file/", upper);
            Assert.DoesNotContain("/gone/", upper);
            Assert.Contains($"/{FcAreas.FirstFree}/100644/0/0/alias/", root);
            Assert.Contains("Links: 2", ExternalTool.Run("debugfs", "-R", "stat /alias", file).Output);
            Assert.Equal(0, ExternalTool.Run("e2fsck", "-fn", file).Exit);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Each proposal's gate, as e2fsprogs sees it: the HEAD's fc_features bit (logdump), or the superblock's INCOMPAT bit 19 (e2fsck: FEATURE_I19).</summary>
    [SkippableFact]
    public void Gates_are_set_for_gated_tags()
    {
        Skip.If(ExternalTool.Find("e2fsck") is null || ExternalTool.Find("debugfs") is null, "e2fsck and debugfs (e2fsprogs) are not installed");
        var records = new List<FcRecordSpec> { FcRecordSpec.Inode(FcAreas.FirstFree, new byte[160]), FcRecordSpec.CreatDev(FcAreas.Upper, FcAreas.FirstFree, 0x2000, 0, "b"u8) };
        using (var head = new FcAreas(new FcWriteRequest { Commits = [records], Proposal = SpecProposals.FcFeature }))
        {
            Assert.Equal(1u, head.Report.HeadFeatures);
            string file = Save(head.Image);
            Assert.StartsWith($"tag HEAD, features 0x1, tid {head.Report.Tid}", Logdump.Of(file).FcTags[0]);
            File.Delete(file);
        }
        using (var sb = new FcAreas(new FcWriteRequest { Commits = [records], Proposal = SpecProposals.SbIncompat }))
        {
            Assert.Equal(0u, sb.Report.HeadFeatures);
            string file = Save(sb.Image);
            var fsck = ExternalTool.Run("e2fsck", "-fn", file);
            Assert.Equal(8, fsck.Exit);
            Assert.Contains("has unsupported feature(s): FEATURE_I19", fsck.Output + fsck.Errors);
            File.Delete(file);
        }
    }

    [Fact]
    public void Refuses_what_it_must_not_write()
    {
        var creatDev = new List<FcRecordSpec> { FcRecordSpec.CreatDev(FcAreas.Upper, FcAreas.FirstFree, 0x2000, 0, "b"u8) };
        Refused(new FcWriteRequest { Commits = [creatDev] }, "name the proposal");
        Refused(new FcWriteRequest { Commits = [creatDev], Proposal = SpecProposals.StaticWhiteout }, "name the proposal");
        Refused(new FcWriteRequest { Commits = [creatDev], Proposal = SpecProposals.FcFeature, OmitGates = true }, "allow ungated");
        Refused(new FcWriteRequest { Commits = [[FcRecordSpec.Raw(FcTag.TAIL, new byte[8])]] }, "written by the writer");
        Refused(new FcWriteRequest { Commits = [[FcRecordSpec.Raw(FcTag.PAD, new byte[4090])]] }, "does not fit");
        var many = Enumerable.Range(0, 64).Select(i => (IReadOnlyList<FcRecordSpec>)FcAreas.NewFile(FcAreas.FirstFree + (uint)i, "f" + i)).ToList();
        Refused(new FcWriteRequest { Commits = many }, "the fast-commit area holds 63");

        using var baseImage = DiskImage.FromStream(new MemoryStream(RepoImages.Decompress(CompatCorpus.BaseImage)));
        using var view = baseImage.PrivateCopy();
        var sb = new SuperBlockWriter(view.Write(Ext4FileSystem.SuperBlockOffset, SuperBlockView.Size));
        sb.s_feature_compat &= ~Ext4FeatureCompat.COMPAT_FAST_COMMIT;
        sb.ResealCsum();
        var e = Assert.Throws<FcWriteRefusedException>(() => FcAreaWriter.Write(view, new FcWriteRequest { Commits = [FcAreas.NewFile(FcAreas.FirstFree, "x")] }));
        Assert.Contains("no fast_commit feature", e.Message);
    }

    private static void Refused(FcWriteRequest request, string because)
    {
        var e = Assert.Throws<FcWriteRefusedException>(() => new FcAreas(request).Dispose());
        Assert.Contains(because, e.Message);
    }

    private static string Save(DiskImage image)
    {
        string path = Path.Combine(Path.GetTempPath(), "fcw-" + Guid.NewGuid().ToString("N") + ".img");
        image.SaveSparse(path);
        return path;
    }
}
