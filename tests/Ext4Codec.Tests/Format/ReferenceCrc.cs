using System;

namespace Ext4Codec.Tests.Format;

/// <summary>Bit-at-a-time CRCs written from their definitions: an independent check of the generated table/hardware code.</summary>
public static class ReferenceCrc
{
    /// <summary>CRC-32C, reflected polynomial 0x82F63B78, continuing from <paramref name="crc"/>, no final inversion.</summary>
    public static uint Crc32c(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return crc;
    }

    /// <summary>CRC-16/ARC, reflected polynomial 0xA001, continuing from <paramref name="crc"/>.</summary>
    public static ushort Crc16(ushort crc, ReadOnlySpan<byte> data)
    {
        int c = crc;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ 0xA001 : c >> 1;
        }
        return (ushort)c;
    }
}
