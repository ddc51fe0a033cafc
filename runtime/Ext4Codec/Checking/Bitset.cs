using System;
using System.Numerics;

namespace Ext4Codec.Checking;

/// <summary>A fixed-size bit set (e2fsck's in-memory bitmaps): the caller bounds its size before allocating.</summary>
internal sealed class Bitset(ulong bits)
{
    private readonly ulong[] _words = new ulong[(bits + 63) / 64];

    public ulong Length { get; } = bits;

    public bool this[ulong bit] => bit < Length && (_words[bit >> 6] & (1UL << (int)(bit & 63))) != 0;

    /// <summary>Sets the bit; returns whether it was already set. Bits past the end are ignored (false).</summary>
    public bool Set(ulong bit)
    {
        if (bit >= Length) return false;
        ref ulong word = ref _words[bit >> 6];
        ulong mask = 1UL << (int)(bit & 63);
        bool was = (word & mask) != 0;
        word |= mask;
        return was;
    }

    public void SetRange(ulong start, ulong count)
    {
        ulong end = Math.Min(Length, start + count);
        for (ulong b = start; b < end; b++) _words[b >> 6] |= 1UL << (int)(b & 63);
    }

    /// <summary>Bits set in [start, start + count).</summary>
    public ulong Count(ulong start, ulong count)
    {
        ulong end = Math.Min(Length, start + count), n = 0;
        ulong b = start;
        for (; b < end && (b & 63) != 0; b++) if (this[b]) n++;
        for (; b + 64 <= end; b += 64) n += (ulong)BitOperations.PopCount(_words[b >> 6]);
        for (; b < end; b++) if (this[b]) n++;
        return n;
    }
}
