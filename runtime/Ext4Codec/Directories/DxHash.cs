using System;
using System.Buffers.Binary;
using Ext4Codec.Format;

namespace Ext4Codec.Directories;

/// <summary>
/// The htree name hashes (ext4fs_dirhash, fs/ext4/hash.c): legacy (dx_hack_hash), half MD4 and TEA, each with
/// names read as signed or unsigned chars. The result's low bit is clear, and the end-of-directory value
/// 0xFFFFFFFE is never produced. SipHash (casefolded encrypted directories) is not computed here.
/// </summary>
public static class DxHash
{
    private const uint HtreeEof32 = 0x7FFFFFFF;

    /// <summary>The version a directory actually uses: its dx_root_info hash_version, made unsigned when the superblock says so.</summary>
    public static Ext4HashVersion Effective(Ext4HashVersion version, Ext4SuperFlags superFlags)
        => (superFlags & Ext4SuperFlags.FLAGS_UNSIGNED_HASH) != 0 && (byte)version <= 2 ? (Ext4HashVersion)((byte)version + 3) : version;

    /// <summary>Whether <see cref="Compute"/> supports the version.</summary>
    public static bool IsSupported(Ext4HashVersion version) => (byte)version <= 5;

    /// <param name="seed">s_hash_seed (16 bytes); all zeros or empty means the default MD4 constants.</param>
    public static (uint Hash, uint Minor) Compute(ReadOnlySpan<byte> name, Ext4HashVersion version, ReadOnlySpan<byte> seed)
    {
        Span<uint> buf = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476];
        if (seed.Length >= 16 && seed[..16].IndexOfAnyExcept((byte)0) >= 0)
            for (int i = 0; i < 4; i++) buf[i] = BinaryPrimitives.ReadUInt32LittleEndian(seed[(i * 4)..]);
        bool unsigned = (byte)version is 3 or 4 or 5;
        uint hash, minor = 0;
        Span<uint> input = stackalloc uint[8];
        switch ((byte)version % 3)
        {
            case 0:
                hash = Legacy(name, unsigned);
                break;
            case 1:
                for (var p = name; !p.IsEmpty; p = p[Math.Min(32, p.Length)..])
                {
                    ToHashBuffer(p, input, 8, unsigned);
                    HalfMd4(buf, input);
                }
                (hash, minor) = (buf[1], buf[2]);
                break;
            default:
                for (var p = name; !p.IsEmpty; p = p[Math.Min(16, p.Length)..])
                {
                    ToHashBuffer(p, input, 4, unsigned);
                    Tea(buf, input);
                }
                (hash, minor) = (buf[0], buf[1]);
                break;
        }
        hash &= ~1u;
        if (hash == HtreeEof32 << 1) hash = (HtreeEof32 - 1) << 1;
        return (hash, minor);
    }

    private static uint Legacy(ReadOnlySpan<byte> name, bool unsigned)
    {
        uint hash0 = 0x12A3FE2D, hash1 = 0x37ABE8F9;
        foreach (byte b in name)
        {
            int c = unsigned ? b : (sbyte)b;
            uint hash = hash1 + (hash0 ^ (uint)(c * 7152373));
            if ((hash & 0x80000000) != 0) hash -= 0x7FFFFFFF;
            hash1 = hash0;
            hash0 = hash;
        }
        return hash0 << 1;
    }

    /// <summary>str2hashbuf: packs up to num*4 name bytes big-end-first into words, padded with the length.</summary>
    private static void ToHashBuffer(ReadOnlySpan<byte> msg, Span<uint> buf, int num, bool unsigned)
    {
        int len = msg.Length;
        uint pad = (uint)len | ((uint)len << 8);
        pad |= pad << 16;
        uint val = pad;
        if (len > num * 4) len = num * 4;
        int k = 0;
        for (int i = 0; i < len; i++)
        {
            int c = unsigned ? msg[i] : (sbyte)msg[i];
            val = (uint)c + (val << 8);
            if (i % 4 == 3)
            {
                buf[k++] = val;
                val = pad;
                num--;
            }
        }
        if (--num >= 0) buf[k++] = val;
        while (--num >= 0) buf[k++] = pad;
    }

    private static void Tea(Span<uint> buf, ReadOnlySpan<uint> input)
    {
        uint sum = 0, b0 = buf[0], b1 = buf[1];
        uint a = input[0], b = input[1], c = input[2], d = input[3];
        for (int n = 0; n < 16; n++)
        {
            sum += 0x9E3779B9;
            b0 += ((b1 << 4) + a) ^ (b1 + sum) ^ ((b1 >> 5) + b);
            b1 += ((b0 << 4) + c) ^ (b0 + sum) ^ ((b0 >> 5) + d);
        }
        buf[0] += b0;
        buf[1] += b1;
    }

    private static uint F(uint x, uint y, uint z) => z ^ (x & (y ^ z));

    private static uint G(uint x, uint y, uint z) => (x & y) + ((x ^ y) & z);

    private static uint H(uint x, uint y, uint z) => x ^ y ^ z;

    private static void HalfMd4(Span<uint> buf, ReadOnlySpan<uint> x)
    {
        const uint K2 = 0x5A827999, K3 = 0x6ED9EBA1;
        uint a = buf[0], b = buf[1], c = buf[2], d = buf[3];
        a = uint.RotateLeft(a + F(b, c, d) + x[0], 3); d = uint.RotateLeft(d + F(a, b, c) + x[1], 7);
        c = uint.RotateLeft(c + F(d, a, b) + x[2], 11); b = uint.RotateLeft(b + F(c, d, a) + x[3], 19);
        a = uint.RotateLeft(a + F(b, c, d) + x[4], 3); d = uint.RotateLeft(d + F(a, b, c) + x[5], 7);
        c = uint.RotateLeft(c + F(d, a, b) + x[6], 11); b = uint.RotateLeft(b + F(c, d, a) + x[7], 19);

        a = uint.RotateLeft(a + G(b, c, d) + x[1] + K2, 3); d = uint.RotateLeft(d + G(a, b, c) + x[3] + K2, 5);
        c = uint.RotateLeft(c + G(d, a, b) + x[5] + K2, 9); b = uint.RotateLeft(b + G(c, d, a) + x[7] + K2, 13);
        a = uint.RotateLeft(a + G(b, c, d) + x[0] + K2, 3); d = uint.RotateLeft(d + G(a, b, c) + x[2] + K2, 5);
        c = uint.RotateLeft(c + G(d, a, b) + x[4] + K2, 9); b = uint.RotateLeft(b + G(c, d, a) + x[6] + K2, 13);

        a = uint.RotateLeft(a + H(b, c, d) + x[3] + K3, 3); d = uint.RotateLeft(d + H(a, b, c) + x[7] + K3, 9);
        c = uint.RotateLeft(c + H(d, a, b) + x[2] + K3, 11); b = uint.RotateLeft(b + H(c, d, a) + x[6] + K3, 15);
        a = uint.RotateLeft(a + H(b, c, d) + x[1] + K3, 3); d = uint.RotateLeft(d + H(a, b, c) + x[5] + K3, 9);
        c = uint.RotateLeft(c + H(d, a, b) + x[0] + K3, 11); b = uint.RotateLeft(b + H(c, d, a) + x[4] + K3, 15);

        buf[0] += a; buf[1] += b; buf[2] += c; buf[3] += d;
    }
}
