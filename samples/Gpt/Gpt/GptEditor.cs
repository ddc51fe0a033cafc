using System;
using System.Text;
using Gpt.Format;

namespace Gpt
{
    /// <summary>Changes a GPT in place through the generated writers, resealing every CRC the change touches.</summary>
    public static class GptEditor
    {
        /// <summary>
        /// Renames partition entry <paramref name="index"/> in both the primary and the backup array, then reseals
        /// both arrays' CRCs and both headers (whose CRC covers the array CRC).
        /// </summary>
        public static void Rename(byte[] image, int sectorSize, int index, string name)
        {
            if (name.Length > 36) throw new ArgumentException("a GPT partition name holds at most 36 UTF-16 code units", nameof(name));
            string error;
            GptHeaderView primary;
            if (!GptTable.TryHeader(image, sectorSize, 1, out primary, out error)) throw new InvalidOperationException(error);
            long backupLba = (long)primary.AlternateLBA;
            foreach (long lba in new[] { 1L, backupLba })
            {
                GptHeaderView header;
                if (!GptTable.TryHeader(image, sectorSize, lba, out header, out error)) throw new InvalidOperationException(error);
                if ((uint)index >= header.NumberOfPartitionEntries) throw new ArgumentOutOfRangeException(nameof(index));
                int size = (int)header.SizeOfPartitionEntry;
                int arrayStart = checked((int)(header.PartitionEntryLBA * (ulong)sectorSize));
                int arrayBytes = checked((int)(header.NumberOfPartitionEntries * (uint)size));

                var entry = new GptEntryWriter(new Span<byte>(image, arrayStart + index * size, size));
                entry.PartitionName.Clear();
                Encoding.Unicode.GetBytes(name).CopyTo(entry.PartitionName);

                var writer = new GptHeaderWriter(new Span<byte>(image, (int)(lba * sectorSize), sectorSize));
                writer.PartitionEntryArrayCRC32 = GptTable.EntriesChecksum(new ReadOnlySpan<byte>(image, arrayStart, arrayBytes));
                writer.ResealHeader();
            }
        }
    }
}
