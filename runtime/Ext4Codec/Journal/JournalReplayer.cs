using System;
using System.Buffers.Binary;
using System.IO;
using Ext4Codec.Editing;
using Ext4Codec.FastCommit;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Imaging;

namespace Ext4Codec.Journal;

/// <summary>
/// Writes the image recovery would leave: a copy of the input with every replayed block in place (escaped
/// blocks get the jbd2 magic back), then the journal marked empty the way jbd2 leaves it (s_start 0, s_sequence
/// the next tid, INCOMPAT_FAST_COMMIT cleared) and needs_recovery cleared, checksums resealed. The input is only
/// read. Fast commits the scan accepted are then replayed onto the copy (<see cref="FcReplayer"/>). It refuses,
/// rather than write a partial result, when recovery fails or a fast-commit record cannot be replayed.
/// </summary>
public static class JournalReplayer
{
    /// <summary>Writes <paramref name="outputPath"/>, or says why not (nothing is left behind then).</summary>
    /// <param name="fcReport">What fast-commit replay did, when it ran.</param>
    public static bool TryWrite(Ext4FileSystem fs, Jbd2Journal journal, JournalRecovery recovery, FcScan fastCommits, string outputPath, out string refusal, out FcReplayReport? fcReport)
    {
        fcReport = null;
        if (!CanReplay(fs, recovery, fastCommits, out refusal)) return false;
        try
        {
            fs.Image.SaveSparse(outputPath);
            using var target = DiskImage.OpenWritable(outputPath);
            if (TryApply(journal, recovery, fastCommits, target, out refusal, out fcReport))
            {
                target.Flush();
                return true;
            }
        }
        catch (IOException e)
        {
            refusal = "cannot write " + outputPath + ": " + e.Message;
        }
        File.Delete(outputPath);
        return false;
    }

    /// <summary>
    /// Replays into <paramref name="target"/>, a writable image that holds the input's bytes (a file copy, or a
    /// private copy-on-write view): the same as <see cref="TryWrite"/> without the copy. On refusal the target
    /// is partly changed and must be discarded.
    /// </summary>
    public static bool TryReplay(Ext4FileSystem fs, Jbd2Journal journal, JournalRecovery recovery, FcScan fastCommits, DiskImage target, out string refusal, out FcReplayReport? fcReport)
    {
        fcReport = null;
        return CanReplay(fs, recovery, fastCommits, out refusal) && TryApply(journal, recovery, fastCommits, target, out refusal, out fcReport);
    }

    private static bool CanReplay(Ext4FileSystem fs, JournalRecovery recovery, FcScan fastCommits, out string refusal)
    {
        if (recovery.Error is not null)
        {
            refusal = "journal recovery fails (" + recovery.Error.Errno + "): " + recovery.Error.Message;
            return false;
        }
        if (fastCommits.Outcome == FcOutcome.Failed)
        {
            refusal = "the fast-commit scan fails (" + fastCommits.Errno + "): " + fastCommits.Reason;
            return false;
        }
        int bs = (int)fs.Geometry.BlockSize;
        foreach (var (block, _) in recovery.Replays)
        {
            if (block >= (ulong)(fs.Image.Length / bs))
            {
                refusal = "transaction data for block " + block + " lies beyond the image (" + fs.Image.Length + " bytes)";
                return false;
            }
        }
        refusal = "";
        return true;
    }

    private static bool TryApply(Jbd2Journal journal, JournalRecovery recovery, FcScan fastCommits, DiskImage target, out string refusal, out FcReplayReport? fcReport)
    {
        fcReport = null;
        foreach (var (block, source) in recovery.Replays)
        {
            if (!journal.Store.TryRead(source.LogBlock, out var logged))
            {
                refusal = "journal block " + source.LogBlock + " became unreadable";
                return false;
            }
            var destination = target.Write((long)block * logged.Length, logged.Length, "replayed block");
            logged.CopyTo(destination);
            if (source.Escaped) BinaryPrimitives.WriteUInt32BigEndian(destination, JournalGeometry.Magic);
        }
        if (recovery.NeedsRecovery)
        {
            // An external journal's superblock is not in this image: only the filesystem's flag can be cleared.
            if (journal.Location.SuperblockOffset >= 0)
                MarkJournalEmpty(target.Write(journal.Location.SuperblockOffset, JournalSuperblockView.Size, "journal_superblock_t"), recovery.EndTransaction + 1);
            ClearNeedsRecovery(target.Write(Ext4FileSystem.SuperBlockOffset, SuperBlockView.Size, "ext4_super_block"));
        }
        if (fastCommits.Outcome == FcOutcome.Replay)
        {
            try
            {
                using var fs = Ext4FileSystem.Open(target);
                fcReport = FcReplayer.Replay(fs, journal.Store, fastCommits);
            }
            catch (Exception e) when (e is EditRefusedException or CorruptDataException)
            {
                refusal = "fast-commit replay fails: " + e.Message;
                return false;
            }
        }
        refusal = "";
        return true;
    }

    /// <summary>jbd2_mark_journal_empty after recovery: nothing to replay, the next tid, no fast-commit bit until the next mount.</summary>
    private static void MarkJournalEmpty(Span<byte> bytes, uint nextSequence)
    {
        var jsb = new JournalSuperblockWriter(bytes);
        jsb.s_start = 0;
        jsb.s_sequence = nextSequence;
        jsb.s_feature_incompat &= ~JournalFeatureIncompat.INCOMPAT_FAST_COMMIT;
        if (jsb.AsView().CsumApplies) jsb.ResealCsum();
    }

    /// <summary>
    /// Superblock INCOMPAT bits that gate fast-commit records (proposal sb_incompat): they say the log may hold such
    /// records, and recovery has just emptied it, as a full commit would.
    /// </summary>
    private static readonly Ext4FeatureIncompat FastCommitGates = FindFastCommitGates();

    private static Ext4FeatureIncompat FindFastCommitGates()
    {
        Ext4FeatureIncompat bits = 0;
        foreach (var proposal in SpecProposals.All)
            foreach (var gate in proposal.Gates)
                if (gate.Owner == nameof(FcTag) && gate.FlagSet == nameof(Ext4FeatureIncompat)) bits |= (Ext4FeatureIncompat)gate.FlagValue;
        return bits;
    }

    /// <summary>The primary superblock as it stands after replay, without needs_recovery (nor a fast-commit gate bit).</summary>
    private static void ClearNeedsRecovery(Span<byte> bytes)
    {
        var sb = new SuperBlockWriter(bytes);
        sb.s_feature_incompat &= ~(Ext4FeatureIncompat.INCOMPAT_RECOVER | FastCommitGates);
        if (sb.AsView().CsumApplies) sb.ResealCsum();
    }
}
