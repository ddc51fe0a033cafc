using System;
using System.Collections.Generic;
using System.Globalization;
using Ext4Codec.Format;

namespace Ext4Codec.Reports;

/// <summary>
/// Names as e2fsprogs' libe2p prints them (dumpe2fs, tune2fs -l), built from the specs' display names. Bits a
/// spec does not name print as libe2p does (<c>FEATURE_I17</c>, <c>MNTOPT_12</c>).
/// </summary>
public static class E2pNames
{
    /// <summary>Feature names in libe2p order: compat, incompat, ro_compat, each by ascending bit.</summary>
    public static List<string> Features(uint compat, uint incompat, uint roCompat, FlagSetLayout compatSet, FlagSetLayout incompatSet, FlagSetLayout roSet)
    {
        var names = new List<string>();
        AddBits(names, compat, compatSet, "FEATURE_C");
        AddBits(names, incompat, incompatSet, "FEATURE_I");
        AddBits(names, roCompat, roSet, "FEATURE_R");
        return names;
    }

    public static List<string> SuperblockFeatures(SuperBlockView sb)
        => Features((uint)sb.s_feature_compat, (uint)sb.s_feature_incompat, (uint)sb.s_feature_ro_compat,
            Ext4FeatureCompatInfo.Layout, Ext4FeatureIncompatInfo.Layout, Ext4FeatureRoCompatInfo.Layout);

    public static List<string> JournalFeatures(JournalSuperblockView jsb)
        => Features((uint)jsb.s_feature_compat, (uint)jsb.s_feature_incompat, (uint)jsb.s_feature_ro_compat,
            JournalFeatureCompatInfo.Layout, JournalFeatureIncompatInfo.Layout, JournalFeatureRoCompatInfo.Layout);

    private static void AddBits(List<string> names, uint mask, FlagSetLayout set, string unknownPrefix)
    {
        for (int bit = 0; bit < 32; bit++)
        {
            uint m = 1u << bit;
            if ((mask & m) == 0) continue;
            var member = set.Find(m);
            names.Add(member is not null && member.Display.Length > 0 ? member.Display : unknownPrefix + bit.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Default mount options: the journalling mode first (a two-bit field), then the other bits.</summary>
    public static List<string> MountOptions(uint mask)
    {
        const uint JournalMode = 0x60;
        var names = new List<string>();
        if ((mask & JournalMode) != 0) names.Add(MountOption(mask & JournalMode));
        for (int bit = 0; bit < 32; bit++)
        {
            uint m = 1u << bit;
            if ((m & JournalMode) == 0 && (mask & m) != 0) names.Add(MountOption(m));
        }
        return names;
    }

    private static string MountOption(uint value)
    {
        var member = Ext4MountOptsInfo.Layout.Find(value);
        if (member is not null && member.Display.Length > 0) return member.Display;
        int bit = 0;
        while ((value >>= 1) != 0) bit++;
        return "MNTOPT_" + bit.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Enum display name, or <paramref name="fallback"/> for values the spec does not name.</summary>
    public static string EnumName(FlagSetLayout set, ulong value, string fallback)
    {
        var member = set.Find(value);
        return member is not null && member.Display.Length > 0 ? member.Display : fallback;
    }

    /// <summary>A UUID as e2p_uuid2str prints it: canonical lower-case form, or <c>&lt;none&gt;</c> when all zero.</summary>
    public static string Uuid(ReadOnlySpan<byte> u)
    {
        return IsNullUuid(u) ? "<none>" : CanonicalUuid(u);
    }

    public static string CanonicalUuid(ReadOnlySpan<byte> u)
    {
        string hex = Convert.ToHexStringLower(u);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }

    public static bool IsNullUuid(ReadOnlySpan<byte> u) => u.IndexOfAnyExcept((byte)0) < 0;

    /// <summary>A NUL-padded on-disk string (bytes kept as Latin-1 so nothing is lost).</summary>
    public static string FixedString(ReadOnlySpan<byte> s)
    {
        int end = s.IndexOf((byte)0);
        if (end >= 0) s = s[..end];
        return System.Text.Encoding.Latin1.GetString(s);
    }

    /// <summary>A time as C's ctime() prints it in UTC (<c>Tue Jul  9 05:57:31 2014</c>).</summary>
    public static string CTime(ulong seconds)
    {
        if (seconds > 253402300799UL) return seconds.ToString(CultureInfo.InvariantCulture);
        var t = DateTimeOffset.FromUnixTimeSeconds((long)seconds).UtcDateTime;
        return t.ToString("ddd MMM ", CultureInfo.InvariantCulture) + t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)
            + t.ToString(" HH:mm:ss yyyy", CultureInfo.InvariantCulture);
    }

    /// <summary>libe2p's interval_string: months, weeks, days, then h:mm:ss.</summary>
    public static string Interval(uint secs)
    {
        if (secs == 0) return "<none>";
        var parts = new List<string>();
        void Unit(uint size, string name)
        {
            if (secs < size) return;
            uint n = secs / size;
            secs -= n * size;
            parts.Add($"{n} {name}{(n > 1 ? "s" : "")}");
        }
        Unit(86400 * 30, "month");
        Unit(86400 * 7, "week");
        Unit(86400, "day");
        if (secs > 0) parts.Add($"{secs / 3600}:{secs % 3600 / 60:00}:{secs % 60:00}");
        return string.Join(", ", parts);
    }
}
