namespace Ext4Codec.Checking;

/// <summary>
/// One problem e2fsck would report, under its problem code (e2fsprogs e2fsck/problem.h, e.g. PR_1_BAD_I_BLOCKS),
/// where it is, and whether answering "no" to it leaves the filesystem marked invalid (exit 4).
/// </summary>
public sealed record Finding(string Code, int Pass, string Message)
{
    public uint? Group { get; init; }
    public uint? Inode { get; init; }
    public ulong? Block { get; init; }
    /// <summary>Byte offset in the image of the bad structure, when one structure is to blame.</summary>
    public long? Offset { get; init; }
    /// <summary>False for problems e2fsck -n reports without counting them (PR_NO_OK, pass 0 answers, notes).</summary>
    public bool CountsAsError { get; init; } = true;
}
