using System;

namespace Ext4Codec.Journal;

/// <summary>
/// The kernel's crc32_be (CRC-32, polynomial 0x04C11DB7, MSB first, no inversion): only jbd2's v1 transaction
/// checksums (COMPAT_CHECKSUM) use it, so it lives here rather than in the spec language.
/// </summary>
public static class Crc32Be
{
    private static readonly uint[] Table = MakeTable();

    private static uint[] MakeTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i << 24;
            for (int k = 0; k < 8; k++) c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7u : c << 1;
            table[i] = c;
        }
        return table;
    }

    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = (crc << 8) ^ Table[(crc >> 24) ^ b];
        return crc;
    }
}
