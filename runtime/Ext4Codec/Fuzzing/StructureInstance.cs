using Ext4Codec.Format;

namespace Ext4Codec.Fuzzing;

/// <summary>One occurrence of a declared structure in an image: what the mutator picks and changes a field of.</summary>
/// <param name="Layout">The structure's generated layout metadata (fields, offsets, widths, flag sets).</param>
/// <param name="Offset">Image offset of its first byte.</param>
/// <param name="Length">Bytes it spans (a whole block for block-sized structures; fields declared from the end count back from here).</param>
/// <param name="Where">Where it is, for one-line descriptions: "inode 12", "group 3", "block 1234", "journal block 7".</param>
/// <param name="Seal">The checksum that covers it.</param>
public sealed record StructureInstance(StructLayout Layout, long Offset, int Length, string Where, Seal Seal);
