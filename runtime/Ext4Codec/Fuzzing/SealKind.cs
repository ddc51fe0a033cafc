namespace Ext4Codec.Fuzzing;

/// <summary>Which declared checksum covers a structure instance, so a mutation inside it can be resealed.</summary>
public enum SealKind
{
    /// <summary>No checksum covers it (or the image has none).</summary>
    None,
    SuperBlock,
    /// <summary>A group descriptor: metadata_csum (crc32c) or gdt_csum (crc16), whichever the superblock enables.</summary>
    GroupDesc,
    Inode,
    /// <summary>An extent tree block below the root (its ext4_extent_tail).</summary>
    ExtentBlock,
    DirLeaf,
    DxRoot,
    DxNode,
    XattrBlock,
    MmpBlock,
    JournalSuperblock,
    JournalDescriptor,
    JournalCommit,
    JournalRevoke,
    /// <summary>A fast-commit record: every TAIL's fc_crc after it.</summary>
    FastCommit,
}
