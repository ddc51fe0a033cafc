using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Journal;
using Ext4Codec.Live;
using Ext4Codec.Tests.Corpus;
using Ext4Codec.Tests.Versioning;
using Ext4Codec.Versioning;
using Xunit;

namespace Ext4Codec.Tests.FastCommit;

/// <summary>
/// This project's replay of CREAT_DEV (proposals fc_feature and sb_incompat): the special inodes it makes, read back
/// by debugfs and checked by e2fsck, and (as root) stat'ed on the running kernel — device numbers in both i_block
/// encodings (old_encode_dev in i_block[0] for major and minor below 256, new_encode_dev in i_block[1] otherwise).
/// </summary>
public sealed class CreatDevReplayTests
{
    /// <summary>Name, mode, major, minor: a whiteout, old-encoding char and block devices, new-encoding devices, a FIFO and a socket.</summary>
    private static readonly (string Name, ushort Mode, uint Major, uint Minor)[] Nodes =
    [
        ("wh", 0x2000, 0, 0),
        ("null", 0x21B6, 1, 3),
        ("sda1", 0x61B0, 8, 1),
        ("big", 0x2180, 300, 5),
        ("wide", 0x6180, 7, 1000),
        ("fifo", 0x11A4, 0, 0),
        ("sock", 0xC1ED, 0, 0),
    ];

    [SkippableTheory]
    [InlineData("fc_feature")]
    [InlineData("sb_incompat")]
    public void Debugfs_and_e2fsck_read_the_replayed_nodes(string proposalId)
    {
        Skip.If(ExternalTool.Find("debugfs") is null || ExternalTool.Find("e2fsck") is null, "debugfs and e2fsck (e2fsprogs) are not installed");
        string file = Replayed(SpecProposals.Find(proposalId)!);
        try
        {
            Assert.Equal(0, ExternalTool.Run("e2fsck", "-fn", file).Exit);
            string listing = ExternalTool.Run("debugfs", "-R", "ls -p /upper", file).Output;
            for (int i = 0; i < Nodes.Length; i++)
            {
                var (name, mode, major, minor) = Nodes[i];
                uint ino = FcAreas.FirstFree + (uint)i;
                Assert.Contains($"/{ino}/{Convert.ToString(mode, 8).PadLeft(6, '0')}/0/0/{name}/", listing);
                string stat = ExternalTool.Run("debugfs", "-R", "stat /upper/" + name, file).Output;
                Assert.Contains("Links: 1", stat);
                if ((mode & 0xF000) is 0x2000 or 0x6000)
                    Assert.Contains($"Device major/minor number: {major:00}:{minor:00} ", stat);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>i_block as ext4_do_update_inode writes it: old encoding in i_block[0], else 0 there and the new encoding in i_block[1].</summary>
    [Fact]
    public void Device_numbers_use_the_kernel_encodings()
    {
        string file = Replayed(SpecProposals.FcFeature);
        try
        {
            using var fs = Ext4FileSystem.Open(file);
            for (int i = 0; i < Nodes.Length; i++)
            {
                var (_, mode, major, minor) = Nodes[i];
                var inode = fs.ReadInode(FcAreas.FirstFree + (uint)i);
                if ((mode & 0xF000) is not (0x2000 or 0x6000)) continue;
                bool old = major < 256 && minor < 256;
                Assert.Equal(old ? (major << 8) | minor : 0u, inode.i_block(0));
                Assert.Equal(old ? 0u : (minor & 0xFF) | (major << 8) | ((minor & ~0xFFu) << 12), inode.i_block(1));
                Assert.Equal((major, minor), WhiteoutFinder.Device(inode));
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The running kernel decodes the same numbers (stat's %t:%T, hex) from a read-only mount of the replayed image.</summary>
    [SkippableFact]
    public void The_running_kernel_sees_the_same_devices()
    {
        Skip.If(LoopMounter.Unavailable is not null, LoopMounter.Unavailable + "; skipped");
        string file = Replayed(SpecProposals.FcFeature);
        try
        {
            var seen = new Dictionary<string, string>();
            using var loop = new LoopMounter();
            var mount = loop.Attempt(file, null, "ro", root =>
            {
                foreach (var (name, _, _, _) in Nodes)
                    seen[name] = ExternalTool.Run("stat", "-c", "%F %t:%T", Path.Combine(root, "upper", name)).Output.Trim();
            });
            Assert.True(mount.Mounted, mount.JoinedMessages);
            foreach (var (name, mode, major, minor) in Nodes)
            {
                string type = (mode & 0xF000) switch { 0x2000 => "character special file", 0x6000 => "block special file", 0x1000 => "fifo", _ => "socket" };
                string device = (mode & 0xF000) is 0x2000 or 0x6000 ? $"{major:x}:{minor:x}" : "0:0";
                Assert.Equal($"{type} {device}", seen[name]);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The nodes written as INODE + CREAT_DEV under the proposal, then replayed with this project's reader for it.</summary>
    private static string Replayed(ProposalLayout proposal)
    {
        var records = new List<FcRecordSpec>();
        for (int i = 0; i < Nodes.Length; i++)
        {
            var (name, mode, major, minor) = Nodes[i];
            uint ino = FcAreas.FirstFree + (uint)i;
            var raw = new byte[160];
            var w = new InodeWriter(raw);
            w.i_mode = mode;
            w.i_links_count = 1;
            w.i_extra_isize = 32;
            records.Add(FcRecordSpec.Inode(ino, raw));
            records.Add(FcRecordSpec.CreatDev(FcAreas.Upper, ino, mode, FcRecordSpec.EncodeDevice(major, minor), Encoding.ASCII.GetBytes(name)));
        }
        using var area = new FcAreas(new FcWriteRequest { Commits = [records], Proposal = proposal });
        using var fs = Ext4FileSystem.Open(area.Image);
        Assert.True(Jbd2Journal.TryOpen(fs, out var journal, out string problem), problem);
        var recovery = JournalScanner.Recover(journal.Store, journal.Geometry);
        var scan = FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize, ReaderRules.Of(ReaderProfiles.Ext4codec, proposal).Scan, (uint)fs.Geometry.Incompat);
        Assert.Equal(FcOutcome.Replay, scan.Outcome);
        string file = Path.Combine(Path.GetTempPath(), "creat-dev-" + Guid.NewGuid().ToString("N") + ".img");
        Assert.True(JournalReplayer.TryWrite(fs, journal, recovery, scan, file, out string refusal, out var report), refusal);
        Assert.Equal(scan.ReplayTags, report!.Replayed);
        return file;
    }
}
