using System;
using Ext4Codec.Format;
using Ext4Codec.Imaging;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// Recomputes the checksum the spec declares for a structure after a mutation, through the generated
/// <c>Reseal…</c> helpers. A checksum is resealed only when it held before the mutation: a seed's own broken
/// checksum stays broken, and nothing is written where the image keeps no checksum (a leaf without a tail).
/// </summary>
public static class Resealer
{
    /// <summary>Whether the seal's checksum is valid in <paramref name="image"/> now (for FastCommit: a bit per TAIL that is).</summary>
    public static ulong Holds(DiskImage image, in Seal seal, SeedMap map)
    {
        if (seal.Kind == SealKind.FastCommit) return FcStream.ValidTails(image, map);
        if (seal.Kind == SealKind.None || !image.TryRead(seal.Offset, seal.Length, out var data)) return 0;
        try
        {
            return Verify(data, seal, map) ? 1UL : 0;
        }
        catch (CorruptDataException)
        {
            return 0;
        }
    }

    private static bool Verify(ReadOnlySpan<byte> data, in Seal seal, SeedMap map) => seal.Kind switch
    {
        SealKind.SuperBlock => new SuperBlockView(data).VerifyCsum(),
        SealKind.GroupDesc => map.MetadataCsum
            ? new GroupDescView(data).VerifyMetadataCsum(map.ChecksumSeed, (uint)seal.Number)
            : new GroupDescView(data).VerifyGdtCsum(map.Uuid, (uint)seal.Number),
        SealKind.Inode => new InodeView(data).VerifyCsum(map.ChecksumSeed, (uint)seal.Number),
        SealKind.ExtentBlock => new ExtentHeaderView(data).VerifyCsum(seal.Seed),
        SealKind.DirLeaf => new DirLeafBlockView(data).VerifyCsum(seal.Seed),
        SealKind.DxRoot => new DxRootView(data).VerifyCsum(seal.Seed),
        SealKind.DxNode => new DxNodeView(data).VerifyCsum(seal.Seed),
        SealKind.XattrBlock => new XattrHeaderView(data).VerifyCsum(map.ChecksumSeed, seal.Number),
        SealKind.MmpBlock => new MmpBlockView(data).VerifyCsum(map.ChecksumSeed),
        SealKind.JournalSuperblock => new JournalSuperblockView(data) is var jsb && jsb.CsumApplies && jsb.VerifyCsum(),
        SealKind.JournalDescriptor => new DescriptorBlockView(data).VerifyCsum(map.JournalSeed),
        SealKind.JournalCommit => new CommitHeaderView(data).VerifyCsum(map.JournalSeed),
        SealKind.JournalRevoke => new RevokeBlockView(data).VerifyCsum(map.JournalSeed),
        _ => false,
    };

    /// <summary>Reseals what <paramref name="heldBefore"/> says was valid; false when the checksum cannot be placed (its location moved out of the data).</summary>
    public static bool Reseal(Mutant mutant, in Seal seal, SeedMap map, ulong heldBefore)
    {
        if (heldBefore == 0) return false;
        if (seal.Kind == SealKind.FastCommit) return FcStream.Reseal(mutant, map, heldBefore);
        if (!mutant.Image.TryRead(seal.Offset, seal.Length, out _)) return false;
        var data = mutant.Write(seal.Offset, seal.Length);
        try
        {
            Write(data, seal, map);
            return true;
        }
        catch (CorruptDataException)
        {
            return false;
        }
    }

    private static void Write(Span<byte> data, in Seal seal, SeedMap map)
    {
        switch (seal.Kind)
        {
            case SealKind.SuperBlock: new SuperBlockWriter(data).ResealCsum(); break;
            case SealKind.GroupDesc:
                if (map.MetadataCsum) new GroupDescWriter(data).ResealMetadataCsum(map.ChecksumSeed, (uint)seal.Number);
                else new GroupDescWriter(data).ResealGdtCsum(map.Uuid, (uint)seal.Number);
                break;
            case SealKind.Inode: new InodeWriter(data).ResealCsum(map.ChecksumSeed, (uint)seal.Number); break;
            case SealKind.ExtentBlock: new ExtentHeaderWriter(data).ResealCsum(seal.Seed); break;
            case SealKind.DirLeaf: new DirLeafBlockWriter(data).ResealCsum(seal.Seed); break;
            case SealKind.DxRoot: new DxRootWriter(data).ResealCsum(seal.Seed); break;
            case SealKind.DxNode: new DxNodeWriter(data).ResealCsum(seal.Seed); break;
            case SealKind.XattrBlock: new XattrHeaderWriter(data).ResealCsum(map.ChecksumSeed, seal.Number); break;
            case SealKind.MmpBlock: new MmpBlockWriter(data).ResealCsum(map.ChecksumSeed); break;
            case SealKind.JournalSuperblock: new JournalSuperblockWriter(data).ResealCsum(); break;
            case SealKind.JournalDescriptor: new DescriptorBlockWriter(data).ResealCsum(map.JournalSeed); break;
            case SealKind.JournalCommit: new CommitHeaderWriter(data).ResealCsum(map.JournalSeed); break;
            case SealKind.JournalRevoke: new RevokeBlockWriter(data).ResealCsum(map.JournalSeed); break;
        }
    }

    /// <summary>
    /// Whether <paramref name="field"/> of <paramref name="layout"/> stores (part of) a checksum: a declared store
    /// field or the halves it joins, or a nested tail's *_checksum (stored "at size - 4"), a commit's h_chksum, a TAIL's fc_crc.
    /// </summary>
    public static bool IsChecksumField(StructLayout layout, string field)
    {
        if (field.EndsWith("checksum", StringComparison.Ordinal) || field is "h_chksum" or "fc_crc") return true;
        foreach (var c in layout.Checksums)
        {
            if (c.Store == field) return true;
            foreach (var combine in layout.Combines)
                if (combine.Name == c.Store && (combine.Lo == field || combine.Hi == field)) return true;
        }
        return false;
    }
}
