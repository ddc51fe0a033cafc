using System;
using System.Collections.Generic;
using System.Text;
using Ext4Codec.Editing;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Imaging;

namespace Ext4Codec.Versioning;

/// <summary>
/// The standard scenario on an overlayfs upper layer, crashed after its last fast commit: the lower layer holds
/// files a, b and c; a new file n is made in the merged view; b is renamed over a (copy-up of b to the upper layer as
/// a, and a whiteout at b: rename(RENAME_WHITEOUT)); c is unlinked (a whiteout at c). After recovery the upper
/// directory must hold n, a and the whiteouts b and c, so that the merged view shows n and a only. Each proposal
/// carries the whiteouts its own way: CREAT_DEV records, or LINKs to the shared whiteout; today a whiteout is not
/// fast-commit eligible and the kernel makes a full commit instead.
/// </summary>
public static class WhiteoutScenario
{
    /// <summary>The files of the overlay's lower layer.</summary>
    public static readonly string[] LowerNames = ["a", "b", "c"];

    /// <summary>The whiteouts the scenario leaves in the upper directory.</summary>
    public static readonly string[] WhiteoutNames = ["b", "c"];

    private const ushort RegularMode = 0x81A4;   // S_IFREG | 0644
    private const ushort WhiteoutMode = 0x2000;  // S_IFCHR | 0 (WHITEOUT_MODE), device 0:0

    /// <summary>
    /// Writes the variant into <paramref name="target"/>, a writable copy of a clean fast_commit filesystem;
    /// <paramref name="upperPath"/> is the upper layer's directory. Static whiteout first makes the shared whiteout, as
    /// its mkfs would; today's variant is written as the full commit leaves it (replayed, journal clean).
    /// </summary>
    /// <exception cref="FcWriteRefusedException">The image cannot take the scenario (no fast_commit, no such directory, pending recovery).</exception>
    public static FcWriteReport? Write(DiskImage target, string upperPath, ScenarioVariant variant)
    {
        uint upper, shared = 0;
        List<uint> free;
        using (var fs = Ext4FileSystem.Open(target))
        {
            if (!Journal.Jbd2Journal.TryOpen(fs, out var journal, out string problem)) throw new FcWriteRefusedException("no usable journal: " + problem);
            if (journal.Geometry.NeedsRecovery) throw new FcWriteRefusedException("the journal needs recovery: the scenario starts from a clean filesystem");
            upper = Directories.PathResolver.Resolve(fs, upperPath, out var missing);
            if (upper == 0) throw new FcWriteRefusedException($"the upper directory {upperPath}: {missing}");
            if (variant.Proposal?.Id == "static_whiteout") shared = SharedWhiteout.Create(fs);
            free = new FsEditor(fs).FreeInodes(4);
        }
        using var edited = Ext4FileSystem.Open(target);
        var request = Request(edited, upper, shared, free, variant);
        if (variant.Proposal is not null) return FcAreaWriter.Write(target, request);
        // Today: the same operations land in a full commit, so the filesystem holds them once the journal is applied.
        var report = FcAreaWriter.Write(target, request with { Proposal = SpecProposals.FcFeature });
        ApplyAsFullCommit(target);
        return report;
    }

    private static FcWriteRequest Request(Ext4FileSystem fs, uint upper, uint shared, List<uint> free, ScenarioVariant v)
    {
        uint n = free[0], a = free[1], whiteB = free[2], whiteC = free[3];
        var create = new List<FcRecordSpec> { FcRecordSpec.Inode(n, RawInode(fs, RegularMode, 1)), FcRecordSpec.Creat(upper, n, "n"u8) };
        var rename = new List<FcRecordSpec> { FcRecordSpec.Inode(a, RawInode(fs, RegularMode, 1)), FcRecordSpec.Creat(upper, a, "a"u8) };
        var unlink = new List<FcRecordSpec>();
        int links = 1;
        void Whiteout(List<FcRecordSpec> into, uint ino, string name)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(name);
            if (shared != 0)
            {
                into.Add(FcRecordSpec.Link(upper, shared, bytes));
                into.Add(FcRecordSpec.Inode(shared, RawInode(fs, WhiteoutMode, ++links, fs.ReadInode(shared).Data)));
                return;
            }
            into.Add(FcRecordSpec.Inode(ino, RawInode(fs, WhiteoutMode, 1)));
            into.Add(FcRecordSpec.CreatDev(upper, ino, WhiteoutMode, 0, bytes));
        }
        Whiteout(rename, whiteB, WhiteoutNames[0]);
        Whiteout(unlink, whiteC, WhiteoutNames[1]);
        var commits = v.LaterCommit
            ? new List<IReadOnlyList<FcRecordSpec>> { create, rename, unlink }
            : new List<IReadOnlyList<FcRecordSpec>> { Concat(create, rename, unlink) };
        return new FcWriteRequest
        {
            Commits = commits,
            Proposal = v.Proposal,
            OmitGates = !v.Gated,
            AllowUngated = !v.Gated,
        };
    }

    private static List<FcRecordSpec> Concat(params List<FcRecordSpec>[] parts)
    {
        var all = new List<FcRecordSpec>();
        foreach (var p in parts) all.AddRange(p);
        return all;
    }

    /// <summary>An inode as ext4_fc_write_inode logs it: 128 + i_extra_isize bytes; a new file gets an empty extent root.</summary>
    /// <param name="from">An inode's bytes to start from (empty: a new inode).</param>
    private static byte[] RawInode(Ext4FileSystem fs, ushort mode, int links, ReadOnlySpan<byte> from = default)
    {
        int size = (int)fs.Geometry.InodeSize;
        var raw = new byte[size];
        from.CopyTo(raw);
        var w = new InodeWriter(raw);
        w.i_mode = mode;
        w.i_links_count = (ushort)links;
        uint now = fs.SuperBlock.s_wtime;
        w.i_ctime = now;
        w.i_mtime = now;
        w.i_atime = now;
        if (size > 128 && from.IsEmpty) w.i_extra_isize = (ushort)Math.Min(32, size - 128);
        if ((mode & 0xF000) == 0x8000)
        {
            w.i_flags = Ext4InodeFlags.EXTENTS_FL;
            var root = new ExtentHeaderWriter(raw.AsSpan(InodeLayout.Offsets.i_block, 12));
            root.eh_magic = 0xF30A;
            root.eh_max = 4;
        }
        int length = size > 128 ? 128 + new InodeView(raw).i_extra_isize : 128;
        return raw.AsSpan(0, length).ToArray();
    }

    /// <summary>Replays what was written (this project's replay, fc_feature's reader) and leaves the journal clean.</summary>
    private static void ApplyAsFullCommit(DiskImage target)
    {
        using var fs = Ext4FileSystem.Open(target);
        Journal.Jbd2Journal.TryOpen(fs, out var journal, out _);
        var recovery = Journal.JournalScanner.Recover(journal.Store, journal.Geometry);
        var rules = ReaderRules.Of(ReaderProfiles.Ext4codec, SpecProposals.FcFeature).Scan;
        var scan = FcScanner.Scan(journal.Store, recovery, journal.NumFcBlocks, fs.Geometry.InodeSize, rules, (uint)fs.Geometry.Incompat);
        // In place: replay writes filesystem blocks and the superblocks, while the records are read from the journal's own blocks.
        if (!Journal.JournalReplayer.TryReplay(fs, journal, recovery, scan, target, out string refusal, out _))
            throw new FcWriteRefusedException("the full-commit state could not be made: " + refusal);
        target.Flush();
    }
}
