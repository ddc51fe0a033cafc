using System;
using Ext4Codec.Imaging;

namespace Ext4Codec.Kernel;

/// <summary>
/// Predicts what a Linux kernel does when asked to mount an image (docs/kernel-mount-checks.md): read-write,
/// read-only, or refused, with the errno, the deciding check and the kernel's messages. The image is only read. The
/// block device is taken to be a writable loop device over the image, so journal replay goes ahead on read-only
/// mounts as it does there.
/// </summary>
public static class KernelMountModel
{
    /// <summary>How messages write the filesystem's device name (jbd2's j_devname is this, '-' and the journal inode).</summary>
    public const string Device = "<dev>";

    /// <summary>How messages write the external journal device's name.</summary>
    public const string JournalDevice = "<journal-dev>";

    /// <summary>
    /// The plain read-write mount, <c>-o ro</c> and <c>-o ro,noload</c>. <paramref name="externalJournal"/> is the
    /// journal device passed with journal_path= (null: none is given, and the device s_journal_dev names is absent).
    /// Any bytes give a verdict.
    /// </summary>
    public static KernelVerdict Judge(DiskImage image, DiskImage? externalJournal, KernelProfile profile)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(profile);
        var context = new MountContext(image, externalJournal, profile);
        var rw = new MountAttempt(context, MountRequest.Rw).Run();
        var ro = new MountAttempt(context, MountRequest.Ro).Run();
        var roNoLoad = new MountAttempt(context, MountRequest.RoNoLoad).Run();
        return new KernelVerdict(profile, rw, ro, roNoLoad) { Notes = context.Notes };
    }

    /// <summary>One mount with the given options (for rw,noload and the like).</summary>
    public static MountOutcome Mount(DiskImage image, DiskImage? externalJournal, KernelProfile profile, MountRequest request)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(request);
        return new MountAttempt(new MountContext(image, externalJournal, profile), request).Run();
    }
}
