using System.Collections.Generic;

namespace Ext4Codec.Kernel;

/// <summary>
/// What the kernel does with one <see cref="MountRequest"/>. <see cref="Messages"/> are the kernel's lines in order
/// with the per-device prefix left out: <c>EXT4-fs (dev): </c> before ext4_msg lines, and
/// <c>EXT4-fs error (device dev): function:line: </c> or <c>EXT4-fs warning (device dev): function:line: </c> before
/// ext4_error and ext4_warning lines (so an error line starts with <c>comm mount: </c> or <c>inode #N: </c>); jbd2
/// lines are whole. Where a line names a device (jbd2's j_devname) it is written <see cref="KernelMountModel.Device"/>
/// or <see cref="KernelMountModel.JournalDevice"/>. Lines printed outside ext4 and jbd2 (the block layer's
/// "attempt to access beyond end of device", the VFS timestamp notice) are not modelled.
/// </summary>
/// <param name="Mounted">mount(2) succeeds.</param>
/// <param name="ReadOnly">Mounted read-only: asked for, or forced (see <see cref="CheckId"/>).</param>
/// <param name="Errno">The errno mount(2) fails with (EINVAL, EUCLEAN, EBADMSG, EIO, EROFS, ...), or "hang" when it never returns; empty when mounted.</param>
/// <param name="CheckId">The docs/kernel-mount-checks.md id that refused the mount or forced it read-only, or empty.</param>
public sealed record MountOutcome(MountRequest Request, bool Mounted, bool ReadOnly, string Errno, IReadOnlyList<string> Messages, string CheckId)
{
    /// <summary>The line that states the verdict: the refusing check's own line, the forced read-only line, or the "mounted filesystem" line.</summary>
    public string Message { get; init; } = "";

    /// <summary>
    /// The outcome in the form a live mount is recorded in (<see cref="Live.LiveMount.Observable"/>): ok (ok:rw or
    /// ok:ro for a read-write request), fail:ERRNO, or hang.
    /// </summary>
    public string Observable
        => !Mounted ? (Errno == "hang" ? "hang" : "fail:" + Errno)
            : Request.ReadOnly ? "ok" : "ok:" + (ReadOnly ? "ro" : "rw");
}
