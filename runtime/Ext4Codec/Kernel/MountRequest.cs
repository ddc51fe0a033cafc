namespace Ext4Codec.Kernel;

/// <summary>A mount(2) call with <c>-t ext4</c> and only these options, on a writable block device.</summary>
/// <param name="ReadOnly"><c>ro</c> (SB_RDONLY).</param>
/// <param name="NoLoad"><c>noload</c>: the journal is neither loaded nor replayed.</param>
public sealed record MountRequest(bool ReadOnly, bool NoLoad)
{
    public static MountRequest Rw { get; } = new(false, false);

    public static MountRequest Ro { get; } = new(true, false);

    public static MountRequest RoNoLoad { get; } = new(true, true);

    /// <summary>The option string, as mount -o takes it.</summary>
    public string Options => (ReadOnly ? "ro" : "rw") + (NoLoad ? ",noload" : "");
}
