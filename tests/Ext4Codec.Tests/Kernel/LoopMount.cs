using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.RegularExpressions;
using Ext4Codec.Kernel;
using Ext4Codec.Tests.Corpus;

namespace Ext4Codec.Tests.Kernel;

/// <summary>
/// Asks the running kernel to mount images the way corpus/observe-kernel-mounts.sh does: each attempt on a fresh
/// sparse copy attached as a writable loop device (so a plain ro mount may replay the journal), an external journal
/// as a second loop device passed with journal_path=, mount(8) under a timeout with LIBMOUNT_DEBUG=cxt for the
/// errno, and the mount point and loop devices always released. The images given are only read.
/// </summary>
public sealed partial class LoopMount : IDisposable
{
    /// <summary>Longer than this and the attempt counts as a hang (the observer's 20 s).</summary>
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Time for a killed command to go; one stuck in the kernel may never.</summary>
    private static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(5);

    private readonly string scratch = Directory.CreateTempSubdirectory("live-mount-").FullName;

    private string MountPoint => Path.Combine(scratch, "mnt");

    public LoopMount() => Directory.CreateDirectory(MountPoint);

    /// <summary>Why live mounts cannot run here, or null when they can.</summary>
    public static string? SkipReason { get; } = FindSkipReason();

    /// <summary>The running kernel's release (uname -r), or empty off Linux.</summary>
    public static string KernelRelease { get; } = OperatingSystem.IsLinux() ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "";

    private static string? FindSkipReason()
    {
        if (!OperatingSystem.IsLinux()) return "live kernel mounts need Linux; skipped";
        if (!Environment.IsPrivilegedProcess) return "live kernel mounts need root (losetup, mount); not running as root, skipped";
        if (!File.Exists("/dev/loop-control")) return "live kernel mounts need loop devices; /dev/loop-control is absent, skipped";
        foreach (string tool in new[] { "losetup", "mount", "umount", "cp" })
            if (ExternalTool.Find(tool) is null) return $"live kernel mounts need {tool}, which is not installed; skipped";
        return null;
    }

    /// <summary>
    /// One mount(2) of a fresh copy of <paramref name="image"/> (and of <paramref name="journal"/>, the external
    /// journal, when given): the outcome in the form of <see cref="ObservedMount.Form"/> and the kernel's lines for
    /// the attempt joined with " | ", devices written loop# and jloop# as the observer writes them.
    /// </summary>
    public (string Outcome, string Messages) Attempt(string image, string? journal, MountRequest request)
    {
        string work = Path.Combine(scratch, "work.img"), journalWork = Path.Combine(scratch, "work.jnl");
        string? device = null, journalDevice = null;
        string outcome, mode = "-";
        using var log = KernelLog.Open();
        try
        {
            Copy(image, work);
            device = Attach(work);
            string options = request.Options;
            if (journal is not null)
            {
                Copy(journal, journalWork);
                journalDevice = Attach(journalWork);
                options += ",journal_path=" + journalDevice;
            }
            var (exit, _, errors) = Run("mount", ["-t", "ext4", "-o", options, device, MountPoint], libmountDebug: true);
            if (exit is null) outcome = "hang";
            else if (exit == 0)
            {
                outcome = "ok";
                mode = Mode(MountPoint);
            }
            else outcome = Failure(exit.Value, errors);
        }
        finally
        {
            Release(device, journalDevice);
            File.Delete(work);
            File.Delete(journalWork);
        }
        // Read after umount: the window holds the mount's lines and those of the unmount (jbd2 errors, for example).
        return (ObservedMount.Outcome(request, outcome, mode), Messages(log.ReadNew(), device, journalDevice));
    }

    /// <summary>Loop devices still attached to a file of this instance (losetup -a); none after every attempt.</summary>
    public List<string> StillAttached()
    {
        var attached = new List<string>();
        foreach (string line in Run("losetup", ["-a"]).Output.Split('\n'))
            if (line.Contains(scratch, StringComparison.Ordinal)) attached.Add(line);
        return attached;
    }

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    private static void Copy(string source, string target)
    {
        var (exit, _, errors) = Run("cp", ["--sparse=always", source, target]);
        if (exit != 0) throw new IOException($"cp {source} failed: {errors}");
    }

    private static string Attach(string file)
    {
        var (exit, output, errors) = Run("losetup", ["-f", "--show", file]);
        if (exit != 0) throw new IOException($"losetup -f --show {file} failed: {errors}");
        return output.Trim();
    }

    /// <summary>Unmounts (lazily if need be) and detaches whatever the attempt left; a busy loop device detaches when its last user goes (autoclear).</summary>
    private void Release(string? device, string? journalDevice)
    {
        if (Mode(MountPoint) != "-" && Run("umount", [MountPoint]).Exit != 0) Run("umount", ["-l", MountPoint]);
        if (device is not null) Run("losetup", ["-d", device]);
        if (journalDevice is not null) Run("losetup", ["-d", journalDevice]);
    }

    /// <summary>
    /// The mount's mode in /proc/mounts: ro, rw, or "-" when nothing is mounted there. emergency_ro counts as ro:
    /// 6.18 handles errors=remount-ro by setting it and keeps "rw" as the first option.
    /// </summary>
    private static string Mode(string mountPoint)
    {
        foreach (string line in File.ReadLines("/proc/mounts"))
        {
            var fields = line.Split(' ');
            if (fields.Length < 4 || fields[1] != mountPoint) continue;
            var options = fields[3].Split(',');
            return Array.IndexOf(options, "emergency_ro") >= 0 ? "ro" : options[0];
        }
        return "-";
    }

    /// <summary>fail:ERRNO from libmount's "mount(2) failed [errno=N", with ":rc=N" unless mount(8) exited 32; else fail:rc=N:last stderr line.</summary>
    private static string Failure(int exit, string errors)
    {
        var errno = Mount2Errno().Match(errors);
        if (errno.Success) return "fail:" + ErrnoName(int.Parse(errno.Groups[1].Value)) + (exit == 32 ? "" : ":rc=" + exit);
        string last = "";
        foreach (string line in errors.Split('\n'))
            if (line.Trim().Length > 0 && !line.Contains("libmount", StringComparison.Ordinal)) last = line.Trim();
        return $"fail:rc={exit}:{last}";
    }

    private static string ErrnoName(int errno) => errno switch
    {
        1 => "EPERM",
        2 => "ENOENT",
        5 => "EIO",
        6 => "ENXIO",
        7 => "E2BIG",
        12 => "ENOMEM",
        13 => "EACCES",
        15 => "ENOTBLK",
        16 => "EBUSY",
        19 => "ENODEV",
        22 => "EINVAL",
        27 => "EFBIG",
        28 => "ENOSPC",
        30 => "EROFS",
        34 => "ERANGE",
        74 => "EBADMSG",
        75 => "EOVERFLOW",
        95 => "EOPNOTSUPP",
        117 => "EUCLEAN",
        _ => "E" + errno,
    };

    /// <summary>
    /// The attempt's kernel lines as the observer keeps them: records naming its loop devices (without the noise
    /// "detected capacity change" and "unmounting filesystem"), jbd2 records naming no device (recovery lines carry
    /// none), and kernel trouble lines (WARNING:, BUG:, ...); devices written loop# and jloop#. Only for reading
    /// disagreements: ext4's global mount-message ratelimit (64 per 30 s) drops "mounted filesystem" lines in a burst.
    /// </summary>
    private static string Messages(List<string> records, string? device, string? journalDevice)
    {
        var kept = new List<string>();
        foreach (string record in records)
        {
            string text = record;
            bool ours = (device is not null && Names(text, device)) || (journalDevice is not null && Names(text, journalDevice));
            bool keep = ours
                ? !Noise().IsMatch(text)
                : !AnyLoop().IsMatch(text) && (text.StartsWith("jbd2", StringComparison.OrdinalIgnoreCase) || Trouble().IsMatch(text));
            if (!keep) continue;
            if (journalDevice is not null) text = DeviceName(journalDevice).Replace(text, "jloop#");
            if (device is not null) text = DeviceName(device).Replace(text, "loop#");
            kept.Add(text);
        }
        return kept.Count == 0 ? "-" : string.Join(" | ", kept);
    }

    private static bool Names(string text, string device) => DeviceName(device).IsMatch(text);

    /// <summary>"loopN" as a whole name ("jbd2/loopN-8", "(loopN)"), not as the start of loopN0.</summary>
    private static Regex DeviceName(string device) => new($@"(?<![A-Za-z0-9_]){Regex.Escape(Path.GetFileName(device))}(?![0-9])");

    [GeneratedRegex(@"mount\(2\) failed \[errno=([0-9]+)")]
    private static partial Regex Mount2Errno();

    [GeneratedRegex("detected capacity change|unmounting filesystem")]
    private static partial Regex Noise();

    [GeneratedRegex("loop[0-9]")]
    private static partial Regex AnyLoop();

    [GeneratedRegex(@"^(WARNING:|BUG:|kernel BUG|Oops|general protection fault|UBSAN:|INFO: task .* blocked)")]
    private static partial Regex Trouble();

    /// <summary>Runs a command with <see cref="CommandTimeout"/>: its exit code (null when it was killed for taking longer), standard output and error.</summary>
    private static (int? Exit, string Output, string Errors) Run(string name, string[] args, bool libmountDebug = false)
    {
        var psi = new ProcessStartInfo(ExternalTool.Find(name) ?? name) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["LC_ALL"] = "C";
        if (libmountDebug) psi.Environment["LIBMOUNT_DEBUG"] = "cxt";
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(CommandTimeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(KillGrace);
            return (null, "", "");
        }
        p.WaitForExit();
        return (p.ExitCode, output.Result, errors.Result);
    }
}
