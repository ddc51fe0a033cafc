using System;

namespace Ext4Codec.Fuzz;

/// <summary>
/// What a structured-mode input means. Byte 0 picks the seed (modulo the seed count); bytes 1..8 are the
/// little-endian seed of the mutator's generator (missing bytes read as zero); byte 9 gives how many mutations
/// to stack, 1 + (b % 8), one when absent; byte 10, when present, is the seed index's high byte (for corpora of
/// more than 256 seeds). Later bytes are ignored. Every byte string is valid, so the engine explores the choices
/// of the structure-aware mutator, whose mutations keep checksums sealed, instead of flipping bits that the
/// first checksum check would reject.
/// </summary>
internal readonly record struct StructuredInput(int SeedIndex, ulong RandomSeed, int Depth)
{
    /// <summary>Bytes that carry meaning with up to 256 seeds; one more byte reaches the rest.</summary>
    public const int Length = 10;

    public const int MaxDepth = 8;

    public static StructuredInput Decode(ReadOnlySpan<byte> input, int seedCount)
    {
        int index = (input.Length > 0 ? input[0] : 0) | (input.Length > Length ? input[Length] << 8 : 0);
        int seed = seedCount > 0 ? index % seedCount : 0;
        ulong random = 0;
        for (int i = 0; i < 8 && 1 + i < input.Length; i++) random |= (ulong)input[1 + i] << (8 * i);
        int depth = input.Length > 9 ? 1 + input[9] % MaxDepth : 1;
        return new StructuredInput(seed, random, depth);
    }

    public byte[] Encode()
    {
        var bytes = new byte[SeedIndex > 255 ? Length + 1 : Length];
        bytes[0] = (byte)SeedIndex;
        for (int i = 0; i < 8; i++) bytes[1 + i] = (byte)(RandomSeed >> (8 * i));
        bytes[9] = (byte)(Depth - 1);
        if (bytes.Length > Length) bytes[Length] = (byte)(SeedIndex >> 8);
        return bytes;
    }
}
