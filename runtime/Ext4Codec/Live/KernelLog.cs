using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace Ext4Codec.Live;

/// <summary>
/// The kernel log records logged after <see cref="Open"/>, read from /dev/kmsg (one record per read(2):
/// "prio,seq,usec,flags;text", then " KEY=value" continuation lines). Without /dev/kmsg it reads nothing.
/// </summary>
public sealed partial class KernelLog : IDisposable
{
    private const int ORdOnly = 0;
    private const int ONonBlock = 0x800;
    private const int SeekEnd = 2;
    private const int EPipe = 32;

    private readonly int fd;

    private KernelLog(int fd) => this.fd = fd;

    /// <summary>A reader positioned after the newest record (SEEK_END), so it sees only what is logged from now on.</summary>
    public static KernelLog Open()
    {
        // Non-blocking: at the end of the log read(2) fails with EAGAIN instead of waiting for the next record.
        int fd = open("/dev/kmsg", ORdOnly | ONonBlock);
        if (fd >= 0) lseek(fd, 0, SeekEnd);
        return new KernelLog(fd);
    }

    /// <summary>The texts of the records logged since the last call (or since <see cref="Open"/>), oldest first.</summary>
    public List<string> ReadNew()
    {
        var texts = new List<string>();
        if (fd < 0) return texts;
        var buffer = new byte[8192];
        while (true)
        {
            nint n = read(fd, buffer, buffer.Length);
            if (n < 0 && Marshal.GetLastPInvokeError() == EPipe) continue; // records overwritten before we read them; the next read goes on
            if (n <= 0) return texts;
            string record = Encoding.UTF8.GetString(buffer, 0, (int)n);
            int start = record.IndexOf(';') + 1;
            int end = record.IndexOf('\n', start);
            texts.Add(record[start..(end < 0 ? record.Length : end)]);
        }
    }

    public void Dispose()
    {
        if (fd >= 0) close(fd);
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint read(int fd, byte[] buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long lseek(int fd, long offset, int whence);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
