using System;
using System.Collections.Generic;
using System.Text;
using Gpt.Format;

namespace Gpt
{
    /// <summary>
    /// A GPT read from a disk image in memory: one header (primary or backup) with its partition entry array,
    /// both checksums verified. Reading never throws on malformed bytes; it says what is wrong and where.
    /// </summary>
    public sealed class GptTable
    {
        private GptTable(long headerLba, Guid diskGuid, ulong alternateLba, ulong firstUsableLba, ulong lastUsableLba,
            ulong entryLba, int entryCount, int entrySize, IReadOnlyList<GptPartition> partitions)
        {
            HeaderLba = headerLba;
            DiskGuid = diskGuid;
            AlternateLba = alternateLba;
            FirstUsableLba = firstUsableLba;
            LastUsableLba = lastUsableLba;
            EntryLba = entryLba;
            EntryCount = entryCount;
            EntrySize = entrySize;
            Partitions = partitions;
        }

        public long HeaderLba { get; }

        public Guid DiskGuid { get; }

        public ulong AlternateLba { get; }

        public ulong FirstUsableLba { get; }

        public ulong LastUsableLba { get; }

        public ulong EntryLba { get; }

        public int EntryCount { get; }

        public int EntrySize { get; }

        public IReadOnlyList<GptPartition> Partitions { get; }

        /// <summary>Reads the header at <paramref name="headerLba"/> (1 for the primary, the last LBA for the backup).</summary>
        public static bool TryRead(byte[] image, int sectorSize, long headerLba, out GptTable table, out string error)
        {
            table = null;
            if (!TryHeader(image, sectorSize, headerLba, out GptHeaderView header, out error)) return false;
            if (!TryEntries(image, sectorSize, header, out var entries, out error)) return false;
            if (!header.VerifyHeader())
            {
                error = "header CRC32 mismatch at LBA " + headerLba;
                return false;
            }
            if (!EntriesChecksumMatches(header, entries))
            {
                error = "partition entry array CRC32 mismatch (LBA " + header.PartitionEntryLBA + ")";
                return false;
            }

            var partitions = new List<GptPartition>();
            int size = (int)header.SizeOfPartitionEntry;
            for (int i = 0; i < (int)header.NumberOfPartitionEntries; i++)
            {
                var entry = new GptEntryView(entries.Slice(i * size, size));
                if (!entry.TryValidate(out Corruption bad))
                {
                    error = "partition entry " + i + ": " + bad.At(i * size);
                    return false;
                }
                var type = new Guid(entry.PartitionTypeGUID.ToArray());
                if (type == Guid.Empty) continue;
                partitions.Add(new GptPartition(i, type, new Guid(entry.UniquePartitionGUID.ToArray()), entry.StartingLBA, entry.EndingLBA,
                    entry.Attributes, NameOf(entry.PartitionName)));
            }
            table = new GptTable(headerLba, new Guid(header.DiskGUID.ToArray()), header.AlternateLBA, header.FirstUsableLBA, header.LastUsableLBA,
                header.PartitionEntryLBA, (int)header.NumberOfPartitionEntries, size, partitions);
            return true;
        }

        /// <summary>zlib CRC-32 of the entry array, as the header's PartitionEntryArrayCRC32 stores it.</summary>
        public static uint EntriesChecksum(ReadOnlySpan<byte> entries) => Crc32.Append(0xFFFFFFFF, entries) ^ 0xFFFFFFFF;

        internal static bool TryHeader(byte[] image, int sectorSize, long lba, out GptHeaderView header, out string error)
        {
            header = default(GptHeaderView);
            long at = lba * sectorSize;
            if (lba < 0 || at + sectorSize > image.Length)
            {
                error = "LBA " + lba + " is outside the " + image.Length + "-byte image";
                return false;
            }
            if (!GptHeaderView.TryCreate(new ReadOnlySpan<byte>(image, (int)at, sectorSize), out header, out Corruption tooShort)
                || !header.TryValidate(out tooShort))
            {
                error = tooShort.At(at).ToString();
                return false;
            }
            if (header.HeaderSize > (uint)sectorSize)
            {
                error = "HeaderSize " + header.HeaderSize + " exceeds the " + sectorSize + "-byte sector";
                return false;
            }
            error = null;
            return true;
        }

        internal static bool TryEntries(byte[] image, int sectorSize, GptHeaderView header, out ReadOnlySpan<byte> entries, out string error)
        {
            entries = default(ReadOnlySpan<byte>);
            ulong bytes = (ulong)header.NumberOfPartitionEntries * header.SizeOfPartitionEntry;
            ulong start = header.PartitionEntryLBA * (ulong)sectorSize;
            if (header.PartitionEntryLBA > (ulong)image.Length || bytes > (ulong)image.Length || start + bytes > (ulong)image.Length)
            {
                error = "the partition entry array (" + bytes + " bytes at LBA " + header.PartitionEntryLBA + ") is outside the image";
                return false;
            }
            entries = new ReadOnlySpan<byte>(image, (int)start, (int)bytes);
            error = null;
            return true;
        }

        private static bool EntriesChecksumMatches(GptHeaderView header, ReadOnlySpan<byte> entries)
            => EntriesChecksum(entries) == header.PartitionEntryArrayCRC32;

        private static string NameOf(ReadOnlySpan<byte> utf16)
        {
            int units = 0;
            while (units < utf16.Length / 2 && (utf16[2 * units] | utf16[2 * units + 1]) != 0) units++;
            return Encoding.Unicode.GetString(utf16.Slice(0, 2 * units).ToArray());
        }
    }
}
