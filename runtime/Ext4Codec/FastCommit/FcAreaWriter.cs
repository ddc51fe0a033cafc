using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Imaging;
using Ext4Codec.Journal;

namespace Ext4Codec.FastCommit;

/// <summary>What to write into the fast-commit area.</summary>
public sealed record FcWriteRequest
{
    /// <summary>The fast commits, each a list of records; HEAD, PADs and TAILs are added by the writer.</summary>
    public required IReadOnlyList<IReadOnlyList<FcRecordSpec>> Commits { get; init; }

    /// <summary>The proposal whose tags the records may use, and whose gates apply; null for the base format only.</summary>
    public ProposalLayout? Proposal { get; init; }

    /// <summary>Write a gated tag without setting its gate (to see what readers do with it); refused otherwise.</summary>
    public bool AllowUngated { get; init; }

    /// <summary>Do not set the gates of the tags used (with <see cref="AllowUngated"/>: the "gate absent" case).</summary>
    public bool OmitGates { get; init; }

    /// <summary>HEAD fc_features bits to set besides the gates (raw; to see what readers do with them).</summary>
    public uint ExtraHeadFeatures { get; init; }

    /// <summary>
    /// Lay blocks out as kernels before 6.2 did (before 48a6a66db82b): PADs and TAILs end one byte short of the
    /// block end, the last byte unused. Linux 6.1.0 .. 6.1.3 accept only these; 6.2+ read both layouts.
    /// </summary>
    public bool LastByteUnused { get; init; }
}

/// <summary>What the writer did.</summary>
/// <param name="Tid">The tid every HEAD and TAIL carries (the transaction jbd2 will expect).</param>
/// <param name="FirstBlock">The journal block of the area's first fast-commit block.</param>
/// <param name="Blocks">Fast-commit blocks written.</param>
public sealed record FcWriteReport(uint Tid, uint FirstBlock, int Blocks, int Records, int Commits, uint HeadFeatures, IReadOnlyList<string> Changes);

/// <summary>The writer will not write what the request asks (a gated tag without its gate, an area too small, ...).</summary>
public sealed class FcWriteRefusedException(string message) : Exception(message);

/// <summary>
/// Writes fast commits into an image's fast-commit area the way Linux 6.2+ lays them out (ext4_fc_reserve_space,
/// ext4_fc_write_tail; format-notes §6): HEAD {fc_features, tid} at the area's start, each record placed only where
/// a 4-byte PAD header still fits after it, a PAD filling the rest of a block otherwise, every commit ended by a
/// TAIL that runs to the block end with crc32c (seed 0) over the commit's records. It then makes recovery run as
/// after a crash: needs_recovery set, the journal's s_start set (its first log block cleared when the log was
/// empty, so no transaction is found and jbd2 expects s_sequence), INCOMPAT_FAST_COMMIT set, checksums resealed.
/// The proposal's gates are set for the gated tags used: its HEAD fc_features bit, or its superblock bit.
/// </summary>
public static class FcAreaWriter
{
    private const int HeaderSize = FcTagInfo.HeaderSize;
    private const int TailValue = 8;

    /// <summary>Writes into <paramref name="target"/> (a writable image: a file copy or a private view).</summary>
    /// <exception cref="FcWriteRefusedException">The request cannot be written as asked; the image is not changed.</exception>
    /// <exception cref="CorruptDataException">The image's metadata is malformed.</exception>
    public static FcWriteReport Write(DiskImage target, FcWriteRequest request)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        using var fs = Ext4FileSystem.Open(target);
        if (!fs.Geometry.Has(Ext4FeatureCompat.COMPAT_FAST_COMMIT))
            throw new FcWriteRefusedException("the filesystem has no fast_commit feature (mke2fs -O fast_commit)");
        if (!Jbd2Journal.TryOpen(fs, out var journal, out string problem)) throw new FcWriteRefusedException("no usable journal: " + problem);
        if (journal.Location.SuperblockOffset < 0) throw new FcWriteRefusedException("the journal is on an external device");
        var g = journal.Geometry;
        int bs = g.BlockSize;
        uint areaBlocks = journal.NumFcBlocks != 0 ? journal.NumFcBlocks : JournalGeometry.DefaultFastCommitBlocks;
        if (areaBlocks >= g.MaxLen) throw new FcWriteRefusedException($"the journal ({g.MaxLen} blocks) has no room for a {areaBlocks}-block fast-commit area");
        uint fcFirst = g.MaxLen - areaBlocks + 1;

        var (headFeatures, setIncompat) = Gates(request, fs.Geometry);
        uint tid = ExpectedTid(journal, g);
        var blocks = Layout(request.Commits, headFeatures, tid, bs, request.LastByteUnused ? bs - 1 : bs, out int records);
        // The area is fcFirst .. s_maxlen - 1; one zero block after the last written one ends the scan when there is room.
        if (fcFirst + (uint)blocks.Count > g.MaxLen) throw new FcWriteRefusedException($"the commits need {blocks.Count} blocks; the fast-commit area holds {areaBlocks - 1}");

        var changes = new List<string>();
        for (int i = 0; i <= blocks.Count && fcFirst + (uint)i < g.MaxLen; i++)
        {
            long at = journal.Store.OffsetOf(fcFirst + (uint)i);
            if (at < 0) throw new CorruptDataException(new Corruption("journal", "", 0, $"fast-commit block {fcFirst + i} is not mapped"));
            var destination = target.Write(at, bs, "fast-commit block");
            if (i < blocks.Count) blocks[i].CopyTo(destination);
            else destination.Clear();
        }
        changes.Add($"wrote {blocks.Count} fast-commit blocks from journal block {fcFirst} ({records} records in {request.Commits.Count} commits, tid {tid})");
        MakeRecoveryRun(target, journal, g, tid, setIncompat, changes);
        target.Flush();
        return new FcWriteReport(tid, fcFirst, blocks.Count, records, request.Commits.Count, headFeatures, changes);
    }

    /// <summary>The HEAD features and superblock bits the request's gated tags need; refuses a gated tag it may not write.</summary>
    private static (uint HeadFeatures, Ext4FeatureIncompat Incompat) Gates(FcWriteRequest request, Geometry geometry)
    {
        uint head = request.ExtraHeadFeatures;
        Ext4FeatureIncompat incompat = 0;
        foreach (var commit in request.Commits)
        {
            foreach (var r in commit)
            {
                if (r.Tag is FcTag.HEAD or FcTag.TAIL)
                    throw new FcWriteRefusedException($"{r.Tag} records are written by the writer, not given");
                var layout = TagLayout(r.Tag);
                if (layout is null || layout.Proposal.Length == 0) continue;
                if (request.Proposal is null || Array.IndexOf(layout.Proposal.Split(' '), request.Proposal.Id) < 0)
                    throw new FcWriteRefusedException($"{r.Tag} belongs to proposal {layout.Proposal.Replace(" ", " or ")}: name the proposal to write it");
                var gate = request.Proposal.GateOf(nameof(FcTag), (ulong)r.Tag);
                if (gate is null) continue;
                if (request.OmitGates)
                {
                    if (!request.AllowUngated)
                        throw new FcWriteRefusedException($"{r.Tag} needs {gate.FlagSet}.{gate.Flag} (proposal {request.Proposal.Id}); allow ungated records to write it without");
                    continue;
                }
                if (gate.FlagSet == nameof(FcFeatures)) head |= (uint)gate.FlagValue;
                else if (gate.FlagSet == nameof(Ext4FeatureIncompat)) incompat |= (Ext4FeatureIncompat)gate.FlagValue;
                else throw new FcWriteRefusedException($"the gate {gate.FlagSet}.{gate.Flag} is not one the writer can set");
            }
        }
        return (head, incompat & ~geometry.Incompat);
    }

    private static TlvTagLayout? TagLayout(FcTag tag)
    {
        foreach (var t in FcTagInfo.Layout.Tags)
            if (t.Value == (ulong)tag) return t;
        return null;
    }

    /// <summary>The tid recovery will expect: the end of the committed log when it needs recovery, else s_sequence.</summary>
    private static uint ExpectedTid(Jbd2Journal journal, JournalGeometry g)
    {
        if (!g.NeedsRecovery) return g.Sequence;
        var recovery = JournalScanner.Recover(journal.Store, g);
        if (recovery.Error is not null) throw new FcWriteRefusedException("the journal's pending recovery fails: " + recovery.Error.Message);
        return recovery.EndTransaction;
    }

    /// <summary>The blocks of the area: HEAD, then each commit's records with PADs where they would not fit, then its TAIL.</summary>
    /// <param name="end">Where PADs and TAILs end: the block size, or one byte before it (<see cref="FcWriteRequest.LastByteUnused"/>).</param>
    private static List<byte[]> Layout(IReadOnlyList<IReadOnlyList<FcRecordSpec>> commits, uint headFeatures, uint tid, int bs, int end, out int records)
    {
        var blocks = new List<byte[]>();
        int count = 0;
        byte[] block = new byte[bs];
        int off = 0;
        uint crc = 0;
        blocks.Add(block);

        // A PAD to the block's end, and a new block.
        void PadBlock()
        {
            int pad = end - HeaderSize - off;
            FcTagInfo.WriteHeader(block.AsSpan(off), FcTag.PAD, pad);
            crc = Crc32C.Append(crc, block.AsSpan(off, HeaderSize + pad));
            block = new byte[bs];
            blocks.Add(block);
            off = 0;
        }

        void Record(FcTag tag, ReadOnlySpan<byte> value)
        {
            int total = HeaderSize + value.Length;
            if (total > end - HeaderSize) throw new FcWriteRefusedException($"a {tag} record of {value.Length} bytes does not fit a {bs}-byte block beside a PAD header");
            // ext4_fc_reserve_space: a PAD fills the block when the record would leave no room for one.
            if (total > end - HeaderSize - off) PadBlock();
            FcTagInfo.Write(block.AsSpan(off), tag, value);
            crc = Crc32C.Append(crc, block.AsSpan(off, total));
            off += total;
            count++;
        }

        Span<byte> head = stackalloc byte[FcHeadView.Size];
        var hw = new FcHeadWriter(head);
        hw.fc_features = (FcFeatures)headFeatures;
        hw.fc_tid = tid;
        Record(FcTag.HEAD, head);
        for (int c = 0; c < commits.Count; c++)
        {
            foreach (var r in commits[c]) Record(r.Tag, r.Value);
            // ext4_fc_write_tail: room for header and tid and crc, or a PAD and a new block; the TAIL then runs to the block end.
            if (HeaderSize + TailValue > end - HeaderSize - off) PadBlock();
            FcTagInfo.WriteHeader(block.AsSpan(off), FcTag.TAIL, end - off - HeaderSize);
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(off + HeaderSize), tid);
            crc = Crc32C.Append(crc, block.AsSpan(off, HeaderSize + 4));
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(off + HeaderSize + 4), crc);
            count++;
            crc = 0;
            if (c + 1 < commits.Count)
            {
                block = new byte[bs];
                blocks.Add(block);
                off = 0;
            }
        }
        records = count;
        return blocks;
    }

    /// <summary>needs_recovery, s_start, INCOMPAT_FAST_COMMIT (and a proposal's superblock gate), checksums resealed.</summary>
    private static void MakeRecoveryRun(DiskImage target, Jbd2Journal journal, JournalGeometry g, uint tid, Ext4FeatureIncompat gateIncompat, List<string> changes)
    {
        var jsb = new JournalSuperblockWriter(target.Write(journal.Location.SuperblockOffset, JournalSuperblockView.Size, "journal_superblock_t"));
        if (!g.NeedsRecovery)
        {
            // An empty log may still hold old blocks: clear the first so the scan finds no transaction at s_first.
            long first = journal.Store.OffsetOf(g.First);
            if (first >= 0) target.Write(first, g.BlockSize, "journal block").Clear();
            jsb.s_start = g.First;
            changes.Add($"journal s_start = {g.First} (log block {g.First} cleared): recovery runs and expects tid {tid}");
        }
        jsb.s_feature_incompat |= JournalFeatureIncompat.INCOMPAT_FAST_COMMIT;
        if (jsb.AsView().CsumApplies) jsb.ResealCsum();
        changes.Add("journal INCOMPAT_FAST_COMMIT set");
        var sb = new SuperBlockWriter(target.Write(Ext4FileSystem.SuperBlockOffset, SuperBlockView.Size, "ext4_super_block"));
        sb.s_feature_incompat |= Ext4FeatureIncompat.INCOMPAT_RECOVER | gateIncompat;
        if (sb.AsView().CsumApplies) sb.ResealCsum();
        changes.Add("needs_recovery set" + (gateIncompat != 0 ? $"; s_feature_incompat |= 0x{(uint)gateIncompat:x} (the proposal's gate)" : ""));
    }
}
