using System;
using System.Buffers.Binary;
using System.Globalization;
using Ext4Codec.Format;

namespace Ext4Codec.Journal;

/// <summary>
/// jbd2 recovery as the kernel runs it (K fs/jbd2/recovery.c do_one_pass, scan_revoke_records; the same code
/// is e2fsprogs' e2fsck/recovery.c), without writing: PASS_SCAN finds the end of the valid log and checks
/// commit checksums, PASS_REVOKE collects revoke records, PASS_REPLAY decides every logged block's fate. The
/// log wraps at j_last (the end of the log proper, before the fast-commit area), as kernels since 6.9 do.
/// Every loop is bounded by the log length, so a hostile journal ends with an error instead of a hang.
/// </summary>
public static class JournalScanner
{
    private enum Pass { Scan, Revoke, Replay }

    public static JournalRecovery Recover(JournalStore store, JournalGeometry g)
    {
        var r = new JournalRecovery(g) { StartTransaction = g.Sequence, EndTransaction = g.Sequence };
        if (!g.NeedsRecovery) return r;
        if (g.Last <= g.First)
        {
            r.Error = new JournalError("JBD2: journal log area is empty (s_first " + U(g.First) + " >= log end " + U(g.Last) + ")", "EFSCORRUPTED", -1);
            return r;
        }
        var revoked = new System.Collections.Generic.Dictionary<ulong, uint>();
        if (Walk(store, g, r, Pass.Scan, revoked) && Walk(store, g, r, Pass.Revoke, revoked))
            Walk(store, g, r, Pass.Replay, revoked);
        // jbd2_journal_load fails the load after a recovery that met a corrupt commit (e2fsck instead replays up
        // to it, reports "Journal transaction N was corrupt, replay was aborted" and marks the fs with errors).
        if (r.Error is null && r.FailedCommit is uint failed)
            r.Error = new JournalError("JBD2: journal transaction " + U(failed) + " is corrupt.", "EFSCORRUPTED", -1);
        return r;
    }

    private static bool Walk(JournalStore store, JournalGeometry g, JournalRecovery r, Pass pass, System.Collections.Generic.Dictionary<ulong, uint> revoked)
    {
        uint next = g.Sequence;
        uint block = g.Start;
        bool needCheckCommitTime = false;
        ulong lastCommitTime = 0;
        uint crc32Sum = uint.MaxValue;
        bool endKnown = pass != Pass.Scan;
        JournalTransaction? current = null;
        JournalError? deferred = null;
        bool blockError = false;
        var records = new System.Collections.Generic.List<ulong>();
        // A pass that reads more blocks than the log holds has gone round it (only a hostile log does that).
        long budget = (long)(g.Last - g.First) + 2;

        while (true)
        {
            if (pass != Pass.Scan && TidGeq(next, r.EndTransaction)) break;
            if (--budget < 0)
            {
                r.Error = new JournalError("JBD2: the log goes round without ending (the kernel would not return)", "hang", block);
                return false;
            }
            if (!Read(store, g, block, r, out var data)) return false;
            uint at = block;
            block = Wrap(g, block + 1);

            uint magic = BinaryPrimitives.ReadUInt32BigEndian(data);
            uint type = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
            uint sequence = BinaryPrimitives.ReadUInt32BigEndian(data[8..]);
            if (magic != JournalGeometry.Magic || sequence != next) break;

            if (pass == Pass.Scan && current is null && type is (uint)JournalBlockType.DESCRIPTOR_BLOCK or (uint)JournalBlockType.REVOKE_BLOCK or (uint)JournalBlockType.COMMIT_BLOCK)
            {
                current = new JournalTransaction(next, at);
                r.Transactions.Add(current);
            }
            if (pass == Pass.Scan && current is not null) current.MetadataBlocks.Add((at, (JournalBlockType)type));
            if (pass != Pass.Scan)
            {
                // The scan pass made one entry per tid, in order from s_sequence.
                uint index = next - g.Sequence;
                current = index < (uint)r.Transactions.Count ? r.Transactions[(int)index] : null;
            }

            switch (type)
            {
                case (uint)JournalBlockType.DESCRIPTOR_BLOCK:
                {
                    bool descriptorOk = !g.CsumV2OrV3 || new DescriptorBlockView(data).VerifyCsum(g.ChecksumSeed);
                    if (!descriptorOk)
                    {
                        if (pass != Pass.Scan)
                        {
                            r.Error = new JournalError("JBD2: Invalid checksum recovering block " + U(block) + " in log", "EFSBADCRC", at);
                            return false;
                        }
                        needCheckCommitTime = true;
                    }
                    if (pass == Pass.Scan)
                    {
                        int count = ReadTags(data, g, block, current!.DataBlocks);
                        if (g.V1Checksum && !needCheckCommitTime && !endKnown)
                        {
                            // calc_chksums: crc32_be over the descriptor and every block it describes.
                            crc32Sum = Crc32Be.Append(crc32Sum, data);
                            bool ioError = false;
                            for (int i = 0; i < count && !ioError; i++)
                            {
                                uint io = block;
                                block = Wrap(g, block + 1);
                                if (store.TryRead(io, out var logged)) crc32Sum = Crc32Be.Append(crc32Sum, logged);
                                else
                                {
                                    r.Notes.Add("JBD2: IO error -5 recovering block " + U(io) + " in log");
                                    ioError = true;
                                }
                            }
                            continue;
                        }
                        block = Wrap(g, block + (uint)count);
                        continue;
                    }
                    if (pass == Pass.Revoke)
                    {
                        block = Wrap(g, block + (uint)CountTags(data, g));
                        continue;
                    }
                    ReplayTags(store, g, r, data, ref block, next, revoked, current, ref deferred, ref blockError);
                    continue;
                }

                case (uint)JournalBlockType.COMMIT_BLOCK:
                {
                    var commit = new CommitHeaderView(data);
                    ulong commitTime = commit.h_commit_sec;
                    if (pass == Pass.Scan)
                    {
                        current!.CommitLogBlock = at;
                        current.CommitSec = commitTime;
                        current.CommitNsec = commit.h_commit_nsec;
                    }
                    if (needCheckCommitTime)
                    {
                        // A bad descriptor/revoke checksum earlier: a newer commit time means real corruption,
                        // an older one means stale blocks of an earlier use of the log.
                        if (commitTime >= lastCommitTime)
                        {
                            r.Error = new JournalError("JBD2: Invalid checksum found in transaction " + U(next), "EFSBADCRC", at);
                            return false;
                        }
                        r.Notes.Add("JBD2: Invalid checksum ignored in transaction " + U(next) + ", likely stale data");
                        current!.End = TransactionEnd.BadCommitChecksum;
                        goto Done;
                    }
                    bool checksumError = false;
                    if (pass == Pass.Scan && g.V1Checksum)
                    {
                        if (endKnown)
                        {
                            r.FailedCommit = r.EndTransaction;
                            continue;
                        }
                        uint found = commit.h_chksum(0);
                        byte kind = (byte)commit.h_chksum_type, size = commit.h_chksum_size;
                        if (!((crc32Sum == found && kind == 1 && size == 4) || (kind == 0 && size == 0 && found == 0))) checksumError = true;
                        else crc32Sum = uint.MaxValue;
                    }
                    if (pass == Pass.Scan && !checksumError && g.CsumV2OrV3 && !commit.VerifyCsum(g.ChecksumSeed)) checksumError = true;
                    if (checksumError)
                    {
                        if (commitTime < lastCommitTime)
                        {
                            r.Notes.Add("JBD2: Invalid checksum ignored in transaction " + U(next) + ", likely stale data");
                            current!.End = TransactionEnd.BadCommitChecksum;
                            goto Done;
                        }
                        current!.End = TransactionEnd.BadCommitChecksum;
                        r.EndTransaction = next;
                        endKnown = true;
                        if (!g.AsyncCommit)
                        {
                            r.FailedCommit = next;
                            continue;
                        }
                    }
                    else if (pass == Pass.Scan)
                    {
                        current!.End = TransactionEnd.Committed;
                    }
                    if (pass == Pass.Scan) lastCommitTime = commitTime;
                    next++;
                    if (pass == Pass.Scan) current = null;
                    continue;
                }

                case (uint)JournalBlockType.REVOKE_BLOCK:
                {
                    if (pass == Pass.Scan)
                    {
                        if (g.CsumV2OrV3 && !new RevokeBlockView(data).VerifyCsum(g.ChecksumSeed)) needCheckCommitTime = true;
                        ReadRevokes(data, g, current!.Revokes);
                    }
                    if (pass != Pass.Revoke) continue;
                    records.Clear();
                    if (!ReadRevokes(data, g, records))
                    {
                        r.Error = new JournalError("JBD2: revoke block " + U(at) + " has r_count " + U(BinaryPrimitives.ReadUInt32BigEndian(data[12..])) + ", past its end", "EINVAL", at);
                        return false;
                    }
                    foreach (ulong target in records)
                    {
                        // jbd2_journal_set_revoke keeps the newest transaction that revoked the block.
                        if (!revoked.TryGetValue(target, out uint tid) || TidGt(next, tid)) revoked[target] = next;
                        r.NrRevokes++;
                    }
                    continue;
                }

                default:
                    goto Done;
            }
        }

    Done:
        if (pass == Pass.Scan)
        {
            if (!endKnown) r.EndTransaction = next;
            foreach (var t in r.Transactions) t.Replayed = TidGt(r.EndTransaction, t.Tid);
            return true;
        }
        if (r.EndTransaction != next)
        {
            r.Error = new JournalError("JBD2: recovery pass " + ((int)pass).ToString(CultureInfo.InvariantCulture) + " ended at transaction " + U(next) +
                ", expected " + U(r.EndTransaction), "EIO", block);
            return false;
        }
        if (deferred is not null) r.Error = deferred;
        else if (blockError) r.Error = new JournalError("JBD2: data block checksum errors", "EIO", -1);
        return r.Error is null;
    }

    private static void ReplayTags(JournalStore store, JournalGeometry g, JournalRecovery r, ReadOnlySpan<byte> descriptor, ref uint block, uint tid,
        System.Collections.Generic.Dictionary<ulong, uint> revoked, JournalTransaction? transaction, ref JournalError? deferred, ref bool blockError)
    {
        var tags = new DescriptorTags(descriptor, g);
        for (int index = 0; tags.MoveNext(); index++)
        {
            ulong target = tags.FsBlock;
            uint io = block;
            block = Wrap(g, block + 1);
            var entry = transaction is not null && index < transaction.DataBlocks.Count ? transaction.DataBlocks[index] : null;
            if (!store.TryRead(io, out var logged))
            {
                deferred ??= new JournalError("JBD2: IO error -5 recovering block " + U(io) + " in log", "EIO", io);
                entry?.Fate = DataBlockFate.Unreadable;
            }
            else if (revoked.TryGetValue(target, out uint revokedBy) && !TidGt(tid, revokedBy))
            {
                r.NrRevokeHits++;
                entry?.Fate = DataBlockFate.Revoked;
            }
            else if (!TagChecksumOk(tags.Tag, g, tid, logged))
            {
                deferred ??= new JournalError("JBD2: Invalid checksum recovering data block " + target.ToString(CultureInfo.InvariantCulture) + " in log", "EFSBADCRC", io);
                blockError = true;
                entry?.Fate = DataBlockFate.BadChecksum;
            }
            else
            {
                r.Replays[target] = new ReplaySource(io, tid, (tags.Flags & JournalTagFlags.FLAG_ESCAPE) != 0);
                r.NrReplays++;
                entry?.Fate = DataBlockFate.Replayed;
            }
        }
    }

    /// <summary>count_tags: how many blocks a descriptor describes (up to the tail even without LAST_TAG).</summary>
    private static int CountTags(ReadOnlySpan<byte> descriptor, JournalGeometry g)
    {
        int count = 0;
        for (var tags = new DescriptorTags(descriptor, g); tags.MoveNext();) count++;
        return count;
    }

    /// <summary>The descriptor's tags as data blocks, logged from <paramref name="firstLogBlock"/> on (wrapping); returns their count.</summary>
    private static int ReadTags(ReadOnlySpan<byte> descriptor, JournalGeometry g, uint firstLogBlock, System.Collections.Generic.List<JournalDataBlock> into)
    {
        int count = 0;
        uint log = firstLogBlock;
        for (var tags = new DescriptorTags(descriptor, g); tags.MoveNext(); count++)
        {
            into.Add(new JournalDataBlock(log, tags.FsBlock, tags.Flags));
            log = Wrap(g, log + 1);
        }
        return count;
    }

    /// <summary>
    /// scan_revoke_records: the block numbers of a revoke block (be32, or be64 on 64-bit journals) up to r_count;
    /// false (nothing read) when r_count runs past the block's tail, which the kernel answers with EINVAL.
    /// </summary>
    private static bool ReadRevokes(ReadOnlySpan<byte> data, JournalGeometry g, System.Collections.Generic.List<ulong> into)
    {
        uint count = BinaryPrimitives.ReadUInt32BigEndian(data[12..]);
        if (count > (uint)(g.BlockSize - g.TailSize)) return false;
        for (int offset = 16; offset + g.RevokeRecordBytes <= (int)count; offset += g.RevokeRecordBytes)
            into.Add(g.Is64Bit ? BinaryPrimitives.ReadUInt64BigEndian(data[offset..]) : BinaryPrimitives.ReadUInt32BigEndian(data[offset..]));
        return true;
    }

    /// <summary>jbd2_block_tag_csum_verify: crc32c(seed, be32 tid, block); 32 bits in tag3, the low 16 in v2 tags.</summary>
    private static bool TagChecksumOk(ReadOnlySpan<byte> tag, JournalGeometry g, uint tid, ReadOnlySpan<byte> block)
    {
        if (!g.CsumV2OrV3) return true;
        uint crc = Crc32C.AppendInteger(g.ChecksumSeed, tid, 4, bigEndian: true);
        crc = Crc32C.Append(crc, block);
        return g.CsumV3
            ? BinaryPrimitives.ReadUInt32BigEndian(tag[12..]) == crc
            : BinaryPrimitives.ReadUInt16BigEndian(tag[4..]) == (ushort)crc;
    }

    /// <summary>jread: the log block, or the kernel's error for it.</summary>
    private static bool Read(JournalStore store, JournalGeometry g, uint block, JournalRecovery r, out ReadOnlySpan<byte> data)
    {
        data = default;
        if (block >= g.MaxLen)
        {
            r.Error = new JournalError("JBD2: corrupted journal superblock", "EFSCORRUPTED", block);
            return false;
        }
        if (store.OffsetOf(block) < 0)
        {
            r.Error = new JournalError("JBD2: bad block at offset " + U(block), "EIO", block);
            return false;
        }
        if (!store.TryRead(block, out data))
        {
            r.Error = new JournalError("JBD2: Failed to read block at offset " + U(block), "EIO", block);
            return false;
        }
        return true;
    }

    private static uint Wrap(JournalGeometry g, uint block) => block >= g.Last ? block - (g.Last - g.First) : block;

    private static bool TidGt(uint x, uint y) => (int)(x - y) > 0;

    private static bool TidGeq(uint x, uint y) => (int)(x - y) >= 0;

    private static string U(ulong v) => v.ToString(CultureInfo.InvariantCulture);
}
