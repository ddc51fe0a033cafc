using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Ext4Codec.Format;
using Ext4Codec.Imaging;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// The fast-commit area as a record stream: TAIL CRCs (crc32c from 0 over every record since the previous TAIL,
/// through the TAIL's fc_tid, as the kernel's replay scan computes them), and structural changes to one block's
/// records (insert, delete, duplicate, reorder, resize) that keep the block's length, PAD filling the rest.
/// </summary>
public static class FcStream
{
    private const int HeaderSize = 4;
    private const int MaxTails = 64;

    /// <summary>A bit per TAIL (in stream order, the first 64) whose fc_crc matches the records before it.</summary>
    public static ulong ValidTails(DiskImage image, SeedMap map) => Walk(image, null, map, 0);

    /// <summary>Rewrites the fc_crc of every TAIL whose bit is set in <paramref name="tails"/>.</summary>
    public static bool Reseal(Mutant mutant, SeedMap map, ulong tails)
    {
        Walk(mutant.Image, mutant, map, tails);
        return true;
    }

    private static ulong Walk(DiskImage image, Mutant? writer, SeedMap map, ulong reseal)
    {
        ulong valid = 0;
        uint crc = 0;
        int tail = 0;
        int bs = map.JournalBlockSize;
        foreach (long blockAt in map.FastCommitBlocks)
        {
            if (!image.TryRead(blockAt, bs, out var data)) break;
            for (int cur = 0; data.Length - cur >= HeaderSize;)
            {
                var tag = (FcTag)BinaryPrimitives.ReadUInt16LittleEndian(data[cur..]);
                int len = BinaryPrimitives.ReadUInt16LittleEndian(data[(cur + 2)..]);
                if (len > data.Length - cur - HeaderSize) break;
                if (tag == FcTag.TAIL && len >= FcTailView.Size)
                {
                    crc = Crc32C.Append(crc, data.Slice(cur, HeaderSize + 4));
                    if (tail < MaxTails)
                    {
                        ulong bit = 1UL << tail;
                        if (BinaryPrimitives.ReadUInt32LittleEndian(data[(cur + HeaderSize + 4)..]) == crc) valid |= bit;
                        if (writer is not null && (reseal & bit) != 0)
                            BinaryPrimitives.WriteUInt32LittleEndian(writer.Write(blockAt + cur + HeaderSize + 4, 4), crc);
                    }
                    tail++;
                    crc = 0;
                }
                else
                {
                    crc = Crc32C.Append(crc, data.Slice(cur, HeaderSize + len));
                }
                cur += HeaderSize + len;
            }
        }
        return valid;
    }

    /// <summary>
    /// A structural change to the records of one block. Returns the block's new bytes, or null when the change
    /// does not fit (the block's records would outgrow it).
    /// </summary>
    public static byte[]? MutateBlock(ReadOnlySpan<byte> block, uint inodeSize, ref FuzzRandom rng, out MutationKind kind, out string old, out string @new)
    {
        var records = new List<byte[]>();
        for (int cur = 0; block.Length - cur >= HeaderSize;)
        {
            int len = BinaryPrimitives.ReadUInt16LittleEndian(block[(cur + 2)..]);
            if (len > block.Length - cur - HeaderSize) break;
            records.Add(block.Slice(cur, HeaderSize + len).ToArray());
            cur += HeaderSize + len;
        }
        old = Summary(records);
        int pick = rng.Next(Math.Max(1, records.Count));
        switch (records.Count == 0 ? 0 : rng.Next(5))
        {
            case 0:
                kind = MutationKind.TlvInsert;
                records.Insert(records.Count == 0 ? 0 : rng.Next(records.Count + 1), NewRecord(records, inodeSize, ref rng));
                break;
            case 1:
                kind = MutationKind.TlvDelete;
                records.RemoveAt(pick);
                break;
            case 2:
                kind = MutationKind.TlvDuplicate;
                records.Insert(pick + 1, records[pick]);
                break;
            case 3:
                kind = MutationKind.TlvReorder;
                int other = rng.Next(records.Count);
                (records[pick], records[other]) = (records[other], records[pick]);
                break;
            default:
                kind = MutationKind.TlvResize;
                records[pick] = Resize(records[pick], ref rng);
                break;
        }
        @new = Summary(records);
        var output = new byte[block.Length];
        int at = 0;
        foreach (var r in records)
        {
            if (at + r.Length > output.Length) return null;
            r.CopyTo(output, at);
            at += r.Length;
        }
        if (output.Length - at >= HeaderSize)
        {
            // PAD to the block end, as the kernel pads a block it cannot fit the next record in.
            BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(at), (ushort)FcTag.PAD);
            BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(at + 2), (ushort)(output.Length - at - HeaderSize));
        }
        return output;
    }

    /// <summary>A record of a declared tag with a length its rule allows (a copy of one of the block's own when it has one), or an undeclared tag.</summary>
    private static byte[] NewRecord(List<byte[]> records, uint inodeSize, ref FuzzRandom rng)
    {
        var tags = FcTagInfo.Layout.Tags;
        if (rng.OneIn(6))
        {
            // An undeclared tag: the next value after the declared ones, or any.
            ulong largest = 0;
            foreach (var t in tags) largest = Math.Max(largest, t.Value);
            ushort unknown = rng.OneIn(2) ? (ushort)(largest + 1) : (ushort)rng.Next(65536);
            return Record(unknown, new byte[rng.Next(17)], ref rng);
        }
        var chosen = tags[rng.Next(tags.Length)];
        foreach (var r in records)
            if (BinaryPrimitives.ReadUInt16LittleEndian(r) == (ushort)chosen.Value && rng.OneIn(2)) return (byte[])r.Clone();
        int length = 0;
        for (int n = 0; n < 300; n++)
        {
            if (FcTagInfo.IsValidLength((FcTag)chosen.Value, n, inodeSize)) { length = n; break; }
        }
        return Record((ushort)chosen.Value, new byte[length], ref rng);
    }

    private static byte[] Record(ushort tag, byte[] value, ref FuzzRandom rng)
    {
        for (int i = 0; i < value.Length; i++) value[i] = (byte)rng.Next(256);
        var record = new byte[HeaderSize + value.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(record, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(2), (ushort)value.Length);
        value.CopyTo(record, HeaderSize);
        return record;
    }

    /// <summary>The record with a shorter or longer value (cut, or zero-extended), fc_len to match.</summary>
    private static byte[] Resize(byte[] record, ref FuzzRandom rng)
    {
        int len = record.Length - HeaderSize;
        int newLen = rng.Next(4) switch
        {
            0 => 0,
            1 => Math.Max(0, len - 1 - rng.Next(8)),
            2 => len + 1 + rng.Next(8),
            _ => len + 4 * (1 + rng.Next(16)),
        };
        newLen = Math.Min(newLen, ushort.MaxValue);
        var resized = new byte[HeaderSize + newLen];
        record.AsSpan(0, Math.Min(record.Length, resized.Length)).CopyTo(resized);
        BinaryPrimitives.WriteUInt16LittleEndian(resized.AsSpan(2), (ushort)newLen);
        return resized;
    }

    private const int SummaryRecords = 8;

    /// <summary>"ADD_RANGE/16 INODE/260 TAIL/8 …": tags and value lengths, the first few of a long list.</summary>
    private static string Summary(List<byte[]> records)
    {
        if (records.Count == 0) return "(no records)";
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < Math.Min(records.Count, SummaryRecords); i++)
        {
            ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(records[i]);
            if (i > 0) text.Append(' ');
            text.Append(FcTagInfo.IsKnown((FcTag)tag) ? ((FcTag)tag).ToString() : "0x" + tag.ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            text.Append('/').Append(records[i].Length - HeaderSize);
        }
        if (records.Count > SummaryRecords) text.Append(" … (").Append(records.Count).Append(" records)");
        return text.ToString();
    }
}
