namespace Ext4Codec.Fuzzing;

/// <summary>How a mutation chose its new value or changed the fast-commit record stream.</summary>
public enum MutationKind
{
    /// <summary>0, 1, the width's maximum and its neighbours, the sign bit.</summary>
    Boundary,
    OffByOne,
    /// <summary>A declared flag toggled.</summary>
    FlagToggle,
    /// <summary>A bit no declared flag uses, set.</summary>
    UnknownFlag,
    /// <summary>Another declared enum member, or an undeclared value.</summary>
    EnumValue,
    /// <summary>The high half of a split value made non-zero or huge while the low half stays.</summary>
    HiLoMismatch,
    /// <summary>An image size or count (block size, blocks, inodes, groups, journal length) or one past it.</summary>
    PastEnd,
    RandomValue,
    /// <summary>Bytes of a byte, character or flexible field changed.</summary>
    Bytes,
    /// <summary>A stored checksum changed (deliberately left unsealed).</summary>
    Checksum,
    TlvInsert,
    TlvDelete,
    TlvDuplicate,
    TlvReorder,
    TlvResize,
}
