using System;
using System.Collections.Generic;
using Ext4Codec.Format;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// Type-aware new values for a field, from what its layout declares: flag sets get declared flags toggled and
/// unknown bits set, enums get other members and undeclared values, split values get their high half out of
/// step with the low half, and every integer gets boundaries, off-by-one and this image's sizes and counts
/// (and one past them) so lengths and counts point past the end.
/// </summary>
public static class FieldValues
{
    private static readonly Dictionary<string, FlagSetLayout> FlagSets = BuildFlagSets();

    private static Dictionary<string, FlagSetLayout> BuildFlagSets()
    {
        var sets = new Dictionary<string, FlagSetLayout>(StringComparer.Ordinal);
        foreach (var set in SpecCatalog.FlagSets) sets[set.TypeName] = set;
        return sets;
    }

    /// <summary>A new value for an integer leaf (never equal to <paramref name="old"/>), truncated to its width.</summary>
    public static ulong Pick(in FieldLeaf leaf, ulong old, StructLayout instanceLayout, SeedMap map, ref FuzzRandom rng, out MutationKind kind)
    {
        ulong mask = leaf.Width >= 8 ? ulong.MaxValue : (1UL << (leaf.Width * 8)) - 1;
        for (int attempt = 0; attempt < 6; attempt++)
        {
            ulong value = PickOnce(leaf, old, mask, instanceLayout, map, ref rng, out kind) & mask;
            if (value != old) return value;
        }
        kind = MutationKind.OffByOne;
        return (old + 1) & mask;
    }

    private static ulong PickOnce(in FieldLeaf leaf, ulong old, ulong mask, StructLayout instanceLayout, SeedMap map, ref FuzzRandom rng, out MutationKind kind)
    {
        var f = leaf.Field;
        if (f.FlagsType.Length > 0 && FlagSets.TryGetValue(f.FlagsType, out var flags) && rng.Next(3) > 0)
            return FlagValue(flags, old, mask, ref rng, out kind);
        if (f.EnumType.Length > 0 && FlagSets.TryGetValue(f.EnumType, out var members) && rng.Next(3) > 0)
            return EnumValue(members, old, mask, ref rng, out kind);
        if (IsHighHalf(instanceLayout, leaf) && rng.OneIn(2))
        {
            kind = MutationKind.HiLoMismatch;
            return rng.OneIn(2) ? 1 : mask;
        }
        switch (rng.Next(4))
        {
            case 0:
                kind = MutationKind.Boundary;
                ulong sign = (mask >> 1) + 1;
                return rng.Next(6) switch { 0 => 0, 1 => 1, 2 => mask, 3 => mask - 1, 4 => sign, _ => sign - 1 };
            case 1:
                kind = MutationKind.OffByOne;
                return rng.OneIn(2) ? old + 1 : old - 1;
            case 2 when map.Boundaries.Count > 0:
                kind = MutationKind.PastEnd;
                ulong end = map.Boundaries[rng.Next(map.Boundaries.Count)];
                return rng.Next(4) switch { 0 => end - 1, 1 => end + 1, 2 => end * 2, _ => end };
            default:
                kind = MutationKind.RandomValue;
                return rng.NextULong();
        }
    }

    private static ulong FlagValue(FlagSetLayout set, ulong old, ulong mask, ref FuzzRandom rng, out MutationKind kind)
    {
        ulong known = 0;
        foreach (var m in set.Members) known |= m.Value;
        ulong unknown = ~known & mask;
        if (set.IsFlags && unknown != 0 && rng.OneIn(3))
        {
            kind = MutationKind.UnknownFlag;
            return old | PickBit(unknown, ref rng);
        }
        kind = MutationKind.FlagToggle;
        if (set.Members.Length == 0) return old ^ PickBit(mask, ref rng);
        var member = set.Members[rng.Next(set.Members.Length)];
        // A flag set toggles its member's bits; an enum-valued set (a masked type field) takes the member's value.
        return set.IsFlags ? old ^ member.Value : member.Value;
    }

    private static ulong EnumValue(FlagSetLayout set, ulong old, ulong mask, ref FuzzRandom rng, out MutationKind kind)
    {
        kind = MutationKind.EnumValue;
        if (set.Members.Length > 0 && rng.Next(4) > 0) return set.Members[rng.Next(set.Members.Length)].Value;
        // An undeclared value: just past the largest member, or anything.
        ulong largest = 0;
        foreach (var m in set.Members) largest = Math.Max(largest, m.Value);
        return rng.OneIn(2) ? largest + 1 : rng.NextULong() & mask;
    }

    private static ulong PickBit(ulong bits, ref FuzzRandom rng)
    {
        int count = System.Numerics.BitOperations.PopCount(bits);
        int n = rng.Next(count);
        for (ulong rest = bits; rest != 0; rest &= rest - 1)
            if (n-- == 0) return rest & (~rest + 1);
        return 1;
    }

    /// <summary>Whether the leaf is the high half of a value the layout joins from a low and a high field.</summary>
    private static bool IsHighHalf(StructLayout layout, in FieldLeaf leaf)
    {
        foreach (var c in layout.Combines)
            if (c.Hi == leaf.Field.Name) return true;
        return false;
    }

    /// <summary>New bytes for a byte, character or flexible field (same length, never identical to <paramref name="old"/>).</summary>
    public static byte[] PickBytes(ReadOnlySpan<byte> old, ref FuzzRandom rng)
    {
        var value = old.ToArray();
        switch (rng.Next(4))
        {
            case 0: value[rng.Next(value.Length)] = (byte)rng.Next(256); break;
            case 1: value[rng.Next(value.Length)] ^= (byte)(1 << rng.Next(8)); break;
            case 2: Array.Fill(value, (byte)0); break;
            default: Array.Fill(value, (byte)0xFF); break;
        }
        if (value.AsSpan().SequenceEqual(old)) value[rng.Next(value.Length)] ^= 0x80;
        return value;
    }
}
