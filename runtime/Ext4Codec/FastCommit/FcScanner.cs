using System;
using System.Buffers.Binary;
using System.Globalization;
using Ext4Codec.Format;
using Ext4Codec.Journal;

namespace Ext4Codec.FastCommit;

/// <summary>
/// The fast-commit area judged as K fs/ext4/fast_commit.c ext4_fc_replay_scan (v6.2+ rules) does when jbd2 recovery
/// hands it the blocks after the log (K fs/jbd2/recovery.c fc_do_one_pass), and every record listed, stale ones
/// included. Facts: format-notes §6. The listing is capped so a hostile area cannot make it unbounded.
/// </summary>
public static class FcScanner
{
    /// <summary>Most records listed; the scan verdict itself needs no list.</summary>
    public const int MaxListedRecords = 100_000;

    private const int HeaderSize = FcTagInfo.HeaderSize;

    /// <param name="recovery">The jbd2 recovery verdict: its end transaction is the tid fast commits must carry.</param>
    /// <param name="numFcBlocks">s_num_fc_blks; used to find the area when jbd2 has already cleared INCOMPAT_FAST_COMMIT.</param>
    /// <param name="inodeSize">s_inode_size, for the INODE length rule.</param>
    /// <param name="rules">The reader whose scan to follow; Linux 6.18's when null.</param>
    /// <param name="sbIncompat">s_feature_incompat, for proposals that gate tags on a superblock bit.</param>
    public static FcScan Scan(JournalStore store, JournalRecovery recovery, uint numFcBlocks, uint inodeSize, FcScanRules? rules = null, uint sbIncompat = 0)
    {
        var g = recovery.Geometry;
        uint n = numFcBlocks != 0 ? numFcBlocks : JournalGeometry.DefaultFastCommitBlocks;
        var scan = new FcScan
        {
            ExpectedTid = recovery.EndTransaction,
            FirstBlock = g.HasFastCommit ? g.FcFirst : g.MaxLen - n + 1,
            EndBlock = g.MaxLen,
        };
        if (n >= g.MaxLen) scan.FirstBlock = scan.EndBlock;
        List(store, g, scan, inodeSize);

        if (!g.HasFastCommit || !recovery.NeedsRecovery)
        {
            scan.Outcome = FcOutcome.NotScanned;
            scan.Reason = !recovery.NeedsRecovery ? "the journal is clean: recovery does not run" : "the journal superblock has no INCOMPAT_FAST_COMMIT";
            return scan;
        }
        if (recovery.Error is not null)
        {
            scan.Outcome = FcOutcome.NotScanned;
            scan.Reason = "jbd2 recovery fails before the fast-commit pass";
            return scan;
        }
        var verdict = Judge(store, scan.FirstBlock, g.MaxLen, scan.ExpectedTid, inodeSize, rules ?? FcScanRules.Linux6_18, sbIncompat);
        scan.Outcome = verdict.Outcome;
        scan.ReplayTags = verdict.ReplayTags;
        scan.Errno = verdict.Errno;
        scan.Reason = verdict.Reason;
        for (int i = 0; i < scan.Records.Count && scan.Outcome == FcOutcome.Replay; i++)
        {
            if (i < scan.ReplayTags) scan.Records[i].State = FcRecordState.Replayed;
        }
        return scan;
    }

    /// <summary>
    /// The kernel's verdict alone: walk block by block from <paramref name="firstBlock"/>, stop at the first thing
    /// that does not check out. Lists nothing, so it allocates only the final reason, whatever the area holds.
    /// </summary>
    /// <param name="endBlock">j_fc_last (s_maxlen): the first block the scan may not read.</param>
    /// <param name="expectedTid">jbd2's end_transaction: the tid every HEAD and TAIL must carry.</param>
    public static FcVerdict Judge(JournalStore store, uint firstBlock, uint endBlock, uint expectedTid, uint inodeSize)
        => Judge(store, firstBlock, endBlock, expectedTid, inodeSize, FcScanRules.Linux6_18, 0);

    /// <summary>
    /// <see cref="Judge(JournalStore, uint, uint, uint, uint)"/> as one reader's scan judges the area (its bounds,
    /// length checks, known tags and features, stale-HEAD rule, and its proposal's gates).
    /// </summary>
    /// <param name="sbIncompat">s_feature_incompat, for gates on a superblock bit.</param>
    public static FcVerdict Judge(JournalStore store, uint firstBlock, uint endBlock, uint expectedTid, uint inodeSize, FcScanRules rules, uint sbIncompat)
    {
        uint crc = 0, features = 0;
        int tags = 0, replayTags = 0;
        for (uint block = firstBlock; ; block++)
        {
            if (block >= endBlock || !store.TryRead(block, out var data))
            {
                // fc_do_one_pass reads up to and including j_fc_last, which jread refuses.
                return Finish(replayTags, "EFSCORRUPTED", "JBD2: corrupted journal superblock (the scan ran off the end of the area)");
            }
            var (headerLimit, valueEnd) = rules.Limits(data.Length);
            for (int cur = 0; cur < headerLimit;)
            {
                if (data.Length - cur < HeaderSize)
                    return Bad(replayTags, RecordAt(block, cur) + ": a record header runs past the block (this reader reads beyond it)");
                var tag = (FcTag)BinaryPrimitives.ReadUInt16LittleEndian(data[cur..]);
                int len = BinaryPrimitives.ReadUInt16LittleEndian(data[(cur + 2)..]);
                if (block == firstBlock && cur == 0 && tag != FcTag.HEAD)
                {
                    return Stop(replayTags, "the area does not start with HEAD: no fast commits");
                }
                int valueStart = cur + HeaderSize;
                if (valueEnd < 0 && len > data.Length - valueStart)
                    return Bad(replayTags, RecordAt(block, cur) + ": " + TagName(tag) + " with length " + U((ulong)len) + " runs past the block (this reader reads beyond it)");
                if ((valueEnd >= 0 && len > valueEnd - valueStart) || !rules.LengthIsValid(tag, len, inodeSize))
                {
                    // 6.2+ rejects an unknown tag in the length check; the outcome is the unknown-tag one.
                    string what = rules.Knows(tag) ? TagName(tag) + " with length " + U((ulong)len) : Unknown(tag);
                    if (replayTags > 0) return Stop(replayTags, RecordAt(block, cur) + ": " + what + " ends the valid commits");
                    return Finish(0, "ECANCELED", RecordAt(block, cur) + ": " + what + " before any valid commit");
                }
                var value = data.Slice(valueStart, len);
                // A reader without length checks reads a HEAD's or TAIL's whole structure whatever the length says.
                int fixedSize = tag == FcTag.TAIL ? FcTailView.Size : tag == FcTag.HEAD ? FcHeadView.Size : 0;
                if (len < fixedSize)
                {
                    if (valueStart + fixedSize > data.Length)
                        return Bad(replayTags, RecordAt(block, cur) + ": " + TagName(tag) + " with length " + U((ulong)len) + " is read past the block (this reader reads beyond it)");
                    value = data.Slice(valueStart, fixedSize);
                }
                if (!rules.Accepts(tag, features, sbIncompat))
                {
                    string what = rules.Knows(tag) ? TagName(tag) + " without the flag its proposal gates it on" : Unknown(tag);
                    if (replayTags > 0) return Stop(replayTags, RecordAt(block, cur) + ": " + what + " ends the valid commits (the records after it are dropped)");
                    return Finish(0, "ECANCELED", RecordAt(block, cur) + ": " + what + " before any valid commit");
                }
                switch (tag)
                {
                    case FcTag.TAIL:
                    {
                        tags++;
                        crc = Crc32C.Append(crc, data.Slice(cur, HeaderSize + 4));
                        var tail = new FcTailView(value);
                        if (tail.fc_tid == expectedTid && tail.fc_crc == crc)
                        {
                            replayTags = tags;
                        }
                        else
                        {
                            string why = tail.fc_tid != expectedTid
                                ? "TAIL tid " + U(tail.fc_tid) + " is not the expected " + U(expectedTid)
                                : "TAIL CRC 0x" + tail.fc_crc.ToString("x8", CultureInfo.InvariantCulture) + " does not match 0x" + crc.ToString("x8", CultureInfo.InvariantCulture);
                            if (replayTags > 0) return Stop(replayTags, RecordAt(block, cur) + ": " + why);
                            return Finish(0, "EFSBADCRC", RecordAt(block, cur) + ": " + why + ", before any valid commit");
                        }
                        crc = 0;
                        break;
                    }
                    case FcTag.HEAD:
                    {
                        var head = new FcHeadView(value);
                        uint unsupported = (uint)head.fc_features & ~rules.SupportedFeatures;
                        if (unsupported != 0)
                        {
                            return Finish(replayTags, "EOPNOTSUPP", RecordAt(block, cur) + ": HEAD fc_features 0x" + ((uint)head.fc_features).ToString("x", CultureInfo.InvariantCulture) + " are not supported");
                        }
                        if (head.fc_tid != expectedTid)
                        {
                            string stale = RecordAt(block, cur) + ": HEAD tid " + U(head.fc_tid) + " is not the expected " + U(expectedTid) + " (stale area)";
                            return rules.StaleHead == FcStaleHead.EINVAL ? Finish(replayTags, "EINVAL", stale) : Stop(replayTags, stale);
                        }
                        features = (uint)head.fc_features;
                        tags++;
                        crc = Crc32C.Append(crc, data.Slice(cur, HeaderSize + len));
                        break;
                    }
                    default:
                        tags++;
                        crc = Crc32C.Append(crc, data.Slice(cur, HeaderSize + len));
                        break;
                }
                cur += HeaderSize + len;
            }
        }
    }

    /// <summary>A record this reader would read past the block for: what it does then is undefined; taken as the end of the valid commits.</summary>
    private static FcVerdict Bad(int replayTags, string reason) => replayTags > 0 ? Stop(replayTags, reason) : Finish(0, "ECANCELED", reason);

    private static FcVerdict Stop(int replayTags, string reason) =>
        new(replayTags > 0 ? FcOutcome.Replay : FcOutcome.NothingToReplay, replayTags, "", reason);

    private static FcVerdict Finish(int replayTags, string errno, string reason) => new(FcOutcome.Failed, replayTags, errno, reason);

    /// <summary>Every record from the area's start, stale ones too, until a block holds no valid record stream.</summary>
    private static void List(JournalStore store, JournalGeometry g, FcScan scan, uint inodeSize)
    {
        uint crc = 0;
        int commitStart = 0, commitIndex = 0;
        for (uint block = scan.FirstBlock; block < scan.EndBlock && store.TryRead(block, out var data); block++)
        {
            int listedBefore = scan.Records.Count;
            for (int cur = 0; data.Length - cur >= HeaderSize;)
            {
                var tag = (FcTag)BinaryPrimitives.ReadUInt16LittleEndian(data[cur..]);
                int len = BinaryPrimitives.ReadUInt16LittleEndian(data[(cur + 2)..]);
                if (!FcTagInfo.IsKnown(tag) || len > data.Length - cur - HeaderSize || !FcTagInfo.IsValidLength(tag, len, inodeSize)) break;
                if (scan.Records.Count >= MaxListedRecords) return;
                var record = Decode(block, cur, tag, len, data.Slice(cur + HeaderSize, len), g);
                record.Commit = commitIndex;
                crc = Crc32C.Append(crc, data.Slice(cur, HeaderSize + (tag == FcTag.TAIL ? 4 : len)));
                scan.Records.Add(record);
                if (tag == FcTag.TAIL)
                {
                    record.ComputedCrc = crc;
                    scan.Commits.Add(new FcCommit(commitIndex, record.Tid, commitStart, scan.Records.Count - 1,
                        record.Tid == scan.ExpectedTid && record.Crc == crc));
                    commitIndex++;
                    commitStart = scan.Records.Count;
                    crc = 0;
                }
                cur += HeaderSize + len;
            }
            if (scan.Records.Count == listedBefore) break;
        }
    }

    private static FcRecord Decode(uint block, int offset, FcTag tag, int len, ReadOnlySpan<byte> value, JournalGeometry g)
    {
        switch (tag)
        {
            case FcTag.ADD_RANGE:
            {
                var v = new FcAddRangeView(value);
                var ex = v.fc_ex;
                uint blocks = ex.ee_len;
                bool unwritten = blocks > 32768;
                return new FcRecord(block, offset, tag, len)
                {
                    Ino = v.fc_ino, Lblk = ex.ee_block, Len = unwritten ? blocks - 32768 : blocks, Pblk = ex.ee_start, Unwritten = unwritten,
                };
            }
            case FcTag.DEL_RANGE:
            {
                var v = new FcDelRangeView(value);
                return new FcRecord(block, offset, tag, len) { Ino = v.fc_ino, Lblk = v.fc_lblk, Len = v.fc_len };
            }
            case FcTag.CREAT:
            case FcTag.LINK:
            case FcTag.UNLINK:
            {
                var v = new FcDentryInfoView(value);
                return new FcRecord(block, offset, tag, len) { ParentIno = v.fc_parent_ino, Ino = v.fc_ino, Name = v.fc_dname.ToArray() };
            }
            case FcTag.CREAT_DEV:
            {
                var v = new FcCreatDevView(value);
                return new FcRecord(block, offset, tag, len) { ParentIno = v.fc_parent_ino, Ino = v.fc_ino, Mode = v.fc_mode, Rdev = v.fc_rdev, Name = v.fc_dname.ToArray() };
            }
            case FcTag.INODE:
            {
                var v = new FcInodeView(value);
                var raw = new InodeView(v.fc_raw_inode);
                return new FcRecord(block, offset, tag, len) { Ino = v.fc_ino, Mode = raw.i_mode, LinksCount = raw.i_links_count, Size = raw.i_size };
            }
            case FcTag.TAIL:
            {
                var v = new FcTailView(value);
                return new FcRecord(block, offset, tag, len) { Tid = v.fc_tid, Crc = v.fc_crc };
            }
            case FcTag.HEAD:
            {
                var v = new FcHeadView(value);
                return new FcRecord(block, offset, tag, len) { Tid = v.fc_tid, Features = (uint)v.fc_features };
            }
            default:
                return new FcRecord(block, offset, tag, len);
        }
    }

    private static string RecordAt(uint block, int offset) => "journal block " + U(block) + " +" + U((ulong)offset);

    /// <summary>"unknown tag 32", or "tag 11 (CREAT_DEV, unknown to this reader)" for a tag a proposal adds.</summary>
    private static string Unknown(FcTag tag)
        => FcTagInfo.IsKnown(tag) ? "tag " + U((ushort)tag) + " (" + tag + ", unknown to this reader)" : "unknown tag " + U((ushort)tag);

    private static string TagName(FcTag tag) => FcTagInfo.IsKnown(tag) ? tag.ToString() : "tag " + U((ushort)tag);

    private static string U(ulong v) => v.ToString(CultureInfo.InvariantCulture);
}
