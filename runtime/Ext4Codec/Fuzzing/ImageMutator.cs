using System;
using System.Buffers.Binary;
using Ext4Codec.Format;
using Ext4Codec.Imaging;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// Makes mutations of a seed from its <see cref="SeedMap"/>: a structure kind uniformly (then one of its
/// instances), a field of it from the layout metadata, a type-aware value; or, for images with fast commits,
/// a change to the record stream of one fast-commit block. Deterministic for a given generator state.
/// </summary>
public static class ImageMutator
{
    /// <summary>A mutation of <paramref name="current"/> (the mutant as it stands, earlier mutations applied), or null when none could be made.</summary>
    public static Mutation? Create(SeedMap map, DiskImage current, ref FuzzRandom rng)
    {
        int kinds = map.Layouts.Count + (map.FastCommitBlocks.Count > 0 ? 1 : 0);
        if (kinds == 0) return null;
        int pick = rng.Next(kinds);
        if (pick == map.Layouts.Count) return StreamMutation(map, current, ref rng);
        var list = map.Layouts[pick].Instances;
        var instance = map.Instances[list[rng.Next(list.Count)]];
        if (!FieldPicker.TryPick(instance, ref rng, out var leaf)) return null;
        long at = instance.Offset + leaf.Start;
        if (!current.TryRead(at, leaf.Width, out var oldBytes)) return null;
        bool checksum = Resealer.IsChecksumField(leaf.Owner, leaf.Field.Name);
        if (!leaf.IsInteger)
        {
            var bytes = FieldValues.PickBytes(oldBytes, ref rng);
            var (from, to) = Mutation.FormatChange(oldBytes, bytes);
            return new Mutation(instance, leaf.Path, leaf.TopField, checksum ? MutationKind.Checksum : MutationKind.Bytes, at, bytes, from, to, reseal: !checksum);
        }
        bool bigEndian = leaf.Field.BigEndian;
        ulong old = ReadInteger(oldBytes, bigEndian);
        ulong value = FieldValues.Pick(leaf, old, instance.Layout, map, ref rng, out var kind);
        var written = new byte[leaf.Width];
        WriteInteger(written, value, bigEndian);
        bool hex = leaf.Field.FlagsType.Length > 0 || leaf.Field.EnumType.Length > 0;
        return new Mutation(instance, leaf.Path, leaf.TopField, checksum ? MutationKind.Checksum : kind, at, written,
            Mutation.FormatValue(old, hex), Mutation.FormatValue(value, hex), reseal: !checksum);
    }

    private static Mutation? StreamMutation(SeedMap map, DiskImage current, ref FuzzRandom rng)
    {
        // Blocks that hold records (a zero tag is an empty block); the first block when none does.
        int bs = map.JournalBlockSize;
        int used = 0;
        Span<int> candidates = stackalloc int[Math.Min(map.FastCommitBlocks.Count, 256)];
        for (int i = 0; i < candidates.Length; i++)
            if (current.TryRead(map.FastCommitBlocks[i], 2, out var head) && BinaryPrimitives.ReadUInt16LittleEndian(head) != 0) candidates[used++] = i;
        int index = used == 0 ? 0 : candidates[rng.Next(used)];
        long at = map.FastCommitBlocks[index];
        if (!current.TryRead(at, bs, out var block)) return null;
        uint inodeSize = current.TryRead(1024 + SuperBlockLayout.Offsets.s_inode_size, 2, out var isize) ? BinaryPrimitives.ReadUInt16LittleEndian(isize) : 256u;
        var bytes = FcStream.MutateBlock(block, inodeSize, ref rng, out var kind, out string old, out string @new);
        if (bytes is null) return null;
        var instance = new StructureInstance(FcTlLayout.Instance, at, bs, "fc area block " + index, new Seal(SealKind.FastCommit, at, bs));
        return new Mutation(instance, "records", "records", kind, at, bytes, old, @new, reseal: true);
    }

    private static ulong ReadInteger(ReadOnlySpan<byte> s, bool bigEndian) => s.Length switch
    {
        1 => s[0],
        2 => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s),
        4 => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s),
        _ => bigEndian ? BinaryPrimitives.ReadUInt64BigEndian(s) : BinaryPrimitives.ReadUInt64LittleEndian(s),
    };

    private static void WriteInteger(Span<byte> s, ulong value, bool bigEndian)
    {
        switch (s.Length)
        {
            case 1: s[0] = (byte)value; break;
            case 2: if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(s, (ushort)value); else BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)value); break;
            case 4: if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(s, (uint)value); else BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)value); break;
            default: if (bigEndian) BinaryPrimitives.WriteUInt64BigEndian(s, value); else BinaryPrimitives.WriteUInt64LittleEndian(s, value); break;
        }
    }
}
