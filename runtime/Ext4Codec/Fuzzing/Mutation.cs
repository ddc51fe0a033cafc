using System;
using System.Globalization;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// One change to an image, concrete enough to apply again (the bytes to write, then the declared checksum
/// recomputed) and to describe in one line: structure, where, field, old → new.
/// </summary>
public sealed class Mutation
{
    public Mutation(StructureInstance target, string field, string topField, MutationKind kind, long offset, byte[] newBytes, string old, string @new, bool reseal)
    {
        Target = target;
        Field = field;
        TopField = topField;
        Kind = kind;
        Offset = offset;
        NewBytes = newBytes;
        Old = old;
        New = @new;
        Reseal = reseal;
    }

    public StructureInstance Target { get; }

    /// <summary>The field path ("info.hash_version", "i_block[3]"), or "records" for a record-stream change.</summary>
    public string Field { get; }

    /// <summary>The instance layout's own field the change lies in (for field coverage).</summary>
    public string TopField { get; }

    public MutationKind Kind { get; }

    /// <summary>Image offset of the bytes written.</summary>
    public long Offset { get; }

    public byte[] NewBytes { get; }

    public string Old { get; }

    public string New { get; }

    /// <summary>Whether the covering checksum is to be recomputed (not for a change to the checksum itself).</summary>
    public bool Reseal { get; }

    /// <summary>Whether the last <see cref="Apply"/> recomputed the checksum (it held before and could be placed).</summary>
    public bool Resealed { get; private set; }

    /// <summary>Writes the change into <paramref name="mutant"/>, then reseals the checksum that covers it if it held.</summary>
    public void Apply(Mutant mutant, SeedMap map)
    {
        ulong held = Reseal ? Resealer.Holds(mutant.Image, Target.Seal, map) : 0;
        NewBytes.CopyTo(mutant.Write(Offset, NewBytes.Length));
        Resealed = Resealer.Reseal(mutant, Target.Seal, map, held);
    }

    public string Describe()
        => $"{Target.Layout.SpecName} [{Target.Where}] {Field}: {Old} → {New} ({KindName(Kind)}{(Resealed ? ", resealed" : Reseal ? "" : ", checksum left stale")})";

    public override string ToString() => Describe();

    public static string KindName(MutationKind kind) => kind switch
    {
        MutationKind.OffByOne => "off-by-one",
        MutationKind.FlagToggle => "flag toggle",
        MutationKind.UnknownFlag => "unknown flag",
        MutationKind.EnumValue => "enum value",
        MutationKind.HiLoMismatch => "hi/lo mismatch",
        MutationKind.PastEnd => "past the end",
        MutationKind.RandomValue => "random",
        MutationKind.TlvInsert => "record inserted",
        MutationKind.TlvDelete => "record deleted",
        MutationKind.TlvDuplicate => "record duplicated",
        MutationKind.TlvReorder => "records reordered",
        MutationKind.TlvResize => "record resized",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>An integer as descriptions show it: hex for flags, enums and wide values, else decimal.</summary>
    public static string FormatValue(ulong value, bool hex)
        => hex || value > 0xFFFFFF ? "0x" + value.ToString("x", CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Bytes as descriptions show them: hex, the first 16 then "…".</summary>
    public static string FormatBytes(ReadOnlySpan<byte> bytes)
        => Convert.ToHexString(bytes[..Math.Min(bytes.Length, 16)]).ToLowerInvariant() + (bytes.Length > 16 ? "…" : "");

    /// <summary>The bytes that differ, as "[+first..last] old → new" pieces (at most 16 bytes each side shown).</summary>
    public static (string Old, string New) FormatChange(ReadOnlySpan<byte> old, ReadOnlySpan<byte> @new)
    {
        int first = 0, last = old.Length - 1;
        while (first < old.Length && old[first] == @new[first]) first++;
        while (last > first && old[last] == @new[last]) last--;
        if (first >= old.Length) return (FormatBytes(old), FormatBytes(@new));
        string at = old.Length <= 16 ? "" : first == last ? $"[+{first}] " : $"[+{first}..{last}] ";
        return (at + FormatBytes(old[first..(last + 1)]), FormatBytes(@new[first..(last + 1)]));
    }
}
