namespace Ext4Codec.Fuzzing;

/// <summary>The checksum to recompute after a mutation: its kind, the bytes it covers, and the seed or number it mixes in.</summary>
/// <param name="Offset">Image offset of the covered structure (the whole block for block checksums).</param>
/// <param name="Length">Bytes covered.</param>
/// <param name="Seed">The per-inode seed (extent, directory blocks), else unused.</param>
/// <param name="Number">Inode number, group number or block number the checksum mixes in.</param>
public readonly record struct Seal(SealKind Kind, long Offset, int Length, uint Seed = 0, ulong Number = 0)
{
    public static Seal None => default;
}
