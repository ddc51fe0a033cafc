using System;
using System.Collections.Generic;
using System.IO;
using System.Text.RegularExpressions;
using Ext4Codec.Kernel;

namespace Ext4Codec.Live;

/// <summary>
/// Asks the running kernel to mount images: each attempt on a fresh sparse copy attached as a writable loop device
/// (so a plain ro mount may replay the journal), an external journal as a second loop device passed with
/// journal_path=, mount(8) under a time limit with LIBMOUNT_DEBUG=cxt for the errno, and the mount point and loop
/// devices always released. The images given are only read. Needs root and loop devices (<see cref="Unavailable"/>).
/// </summary>
public sealed partial class LoopMounter : IDisposable
{
    /// <summary>Longer than this and the attempt counts as a hang.</summary>
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);

    private static readonly Dictionary<string, string> LibmountDebug = new() { ["LIBMOUNT_DEBUG"] = "cxt" };

    private readonly string _scratch = Directory.CreateTempSubdirectory("ext4codec-live-").FullName;

    public LoopMounter() => Directory.CreateDirectory(MountPoint);

    /// <summary>Where attempts mount (empty between attempts).</summary>
    public string MountPoint => Path.Combine(_scratch, "mnt");

    /// <summary>Why live mounts cannot run here, or null when they can.</summary>
    public static string? Unavailable { get; } = FindUnavailable();

    /// <summary>The running kernel's release (uname -r), or empty off Linux.</summary>
    public static string KernelRelease { get; } = OperatingSystem.IsLinux() ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : "";

    private static string? FindUnavailable()
    {
        if (!OperatingSystem.IsLinux()) return "live kernel mounts need Linux";
        if (!Environment.IsPrivilegedProcess) return "live kernel mounts need root (losetup, mount); not running as root";
        if (!File.Exists("/dev/loop-control")) return "live kernel mounts need loop devices; /dev/loop-control is absent";
        foreach (string tool in new[] { "losetup", "mount", "umount", "cp" })
            if (SystemTool.Find(tool) is null) return $"live kernel mounts need {tool}, which is not installed";
        return null;
    }

    /// <summary>
    /// One mount(2) of a fresh copy of <paramref name="image"/> (and of <paramref name="journal"/>, the external
    /// journal, when given) with <paramref name="options"/>. While it is mounted, <paramref name="whileMounted"/>
    /// gets the mount point (to list the tree, stack an overlay, ...); it must leave nothing mounted inside it.
    /// </summary>
    public LiveMount Attempt(string image, string? journal, string options, Action<string>? whileMounted = null)
    {
        string work = Path.Combine(_scratch, "work.img"), journalWork = Path.Combine(_scratch, "work.jnl");
        string? device = null, journalDevice = null;
        string outcome, mode = "-";
        using var log = KernelLog.Open();
        try
        {
            Copy(image, work);
            device = Attach(work);
            if (journal is not null)
            {
                Copy(journal, journalWork);
                journalDevice = Attach(journalWork);
                options += ",journal_path=" + journalDevice;
            }
            var run = SystemTool.Run("mount", ["-t", "ext4", "-o", options, device, MountPoint], CommandTimeout, LibmountDebug);
            if (run.TimedOut) outcome = "hang";
            else if (run.Exit == 0)
            {
                outcome = "ok";
                mode = Mode(MountPoint);
                whileMounted?.Invoke(MountPoint);
            }
            else outcome = Failure(run.Exit!.Value, run.Errors);
        }
        finally
        {
            Release(device, journalDevice);
            File.Delete(work);
            File.Delete(journalWork);
        }
        // Read after umount: the window holds the mount's lines and those of the unmount (jbd2 errors, for example).
        return new LiveMount(outcome, mode, Messages(log.ReadNew(), device, journalDevice));
    }

    /// <summary><see cref="Attempt(string, string?, string, Action{string}?)"/> with a request's options.</summary>
    public LiveMount Attempt(string image, string? journal, MountRequest request, Action<string>? whileMounted = null)
        => Attempt(image, journal, request.Options, whileMounted);

    /// <summary>Loop devices still attached to a file of this instance (losetup -a); none after every attempt.</summary>
    public List<string> StillAttached()
    {
        var attached = new List<string>();
        foreach (string line in SystemTool.Run("losetup", ["-a"], CommandTimeout).Output.Split('\n'))
            if (line.Contains(_scratch, StringComparison.Ordinal)) attached.Add(line);
        return attached;
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static void Copy(string source, string target)
    {
        var run = SystemTool.Run("cp", ["--sparse=always", source, target], TimeSpan.FromMinutes(5));
        if (run.Exit != 0) throw new IOException($"cp {source} failed: {run.Errors}");
    }

    private static string Attach(string file)
    {
        var run = SystemTool.Run("losetup", ["-f", "--show", file], CommandTimeout);
        if (run.Exit != 0) throw new IOException($"losetup -f --show {file} failed: {run.Errors}");
        return run.Output.Trim();
    }

    /// <summary>Unmounts (lazily if need be) and detaches whatever the attempt left; a busy loop device detaches when its last user goes (autoclear).</summary>
    private void Release(string? device, string? journalDevice)
    {
        if (Mode(MountPoint) != "-" && SystemTool.Run("umount", [MountPoint], CommandTimeout).Exit != 0)
            SystemTool.Run("umount", ["-l", MountPoint], CommandTimeout);
        if (device is not null) SystemTool.Run("losetup", ["-d", device], CommandTimeout);
        if (journalDevice is not null) SystemTool.Run("losetup", ["-d", journalDevice], CommandTimeout);
    }

    /// <summary>
    /// The mount's mode in /proc/mounts: ro, rw, or "-" when nothing is mounted there. emergency_ro counts as ro:
    /// 6.18 handles errors=remount-ro by setting it and keeps "rw" as the first option.
    /// </summary>
    public static string Mode(string mountPoint)
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
        if (errno.Success) return "fail:" + Errno.Name(int.Parse(errno.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)) + (exit == 32 ? "" : ":rc=" + exit);
        string last = "";
        foreach (string line in errors.Split('\n'))
            if (line.Trim().Length > 0 && !line.Contains("libmount", StringComparison.Ordinal)) last = line.Trim();
        return $"fail:rc={exit}:{last}";
    }

    /// <summary>
    /// The attempt's kernel lines: records naming its loop devices (without the noise "detected capacity change" and
    /// "unmounting filesystem"), jbd2 records naming no device (recovery lines carry none), and kernel trouble lines
    /// (WARNING:, BUG:, ...); devices written loop# and jloop#. ext4's global mount-message ratelimit (64 per 30 s)
    /// drops "mounted filesystem" lines in a burst, so these are for reading, not for deciding.
    /// </summary>
    private static List<string> Messages(List<string> records, string? device, string? journalDevice)
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
        return kept;
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
}
