using Ext4Codec.Format;

namespace Ext4Codec.FastCommit;

/// <summary>What replay does with a fast-commit record.</summary>
public enum FcRecordState
{
    /// <summary>Inside a commit whose TAIL checks out: replayed.</summary>
    Replayed,
    /// <summary>After the last valid TAIL (stale leftovers of an earlier run, or a commit cut short): ignored.</summary>
    NotReplayed,
}

/// <summary>
/// One tag-length-value record of the fast-commit area, decoded. Fields that do not apply to the tag are 0 or
/// empty; <see cref="Name"/> holds CREAT/LINK/UNLINK names as stored (bytes, not necessarily UTF-8).
/// </summary>
public sealed record FcRecord(uint JournalBlock, int Offset, FcTag Tag, int Length)
{
    public FcRecordState State { get; internal set; } = FcRecordState.NotReplayed;

    /// <summary>0-based index of the fast commit the record belongs to (counting from the area's start), or -1.</summary>
    public int Commit { get; internal set; } = -1;

    public uint Ino { get; init; }

    public uint ParentIno { get; init; }

    public byte[] Name { get; init; } = [];

    /// <summary>ADD_RANGE: ee_block; DEL_RANGE: fc_lblk.</summary>
    public uint Lblk { get; init; }

    /// <summary>ADD_RANGE: blocks (unwritten length decoded); DEL_RANGE: fc_len.</summary>
    public uint Len { get; init; }

    /// <summary>ADD_RANGE: the extent's first physical block.</summary>
    public ulong Pblk { get; init; }

    public bool Unwritten { get; init; }

    /// <summary>HEAD and TAIL: fc_tid.</summary>
    public uint Tid { get; init; }

    /// <summary>HEAD: fc_features.</summary>
    public uint Features { get; init; }

    /// <summary>TAIL: the stored fc_crc and the CRC the scan computed up to it.</summary>
    public uint Crc { get; init; }

    public uint ComputedCrc { get; internal set; }

    /// <summary>INODE: i_mode, i_links_count and i_size of the logged inode.</summary>
    /// <summary>INODE: the logged i_mode; CREAT_DEV: fc_mode.</summary>
    public ushort Mode { get; init; }

    /// <summary>CREAT_DEV: the device number (new_encode_dev form).</summary>
    public uint Rdev { get; init; }

    public ushort LinksCount { get; init; }

    public ulong Size { get; init; }
}
