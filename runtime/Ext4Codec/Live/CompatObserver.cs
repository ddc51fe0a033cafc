using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Ext4Codec.Versioning;

namespace Ext4Codec.Live;

/// <summary>
/// Looks at what the running kernel and the local e2fsprogs do with a scenario image, in the forms the model
/// predicts (<see cref="MountSight"/>, <see cref="RepairSight"/>): a read-write loop mount of a copy (its outcome,
/// the character devices 0:0 in the upper directory by stat(1), and an overlay stacked on that directory over a
/// lower directory holding <see cref="LowerNames"/>), <c>e2fsck -fn</c> of the image, and <c>e2fsck -fy</c> of a
/// copy followed by debugfs's listing of the upper directory. The image is never changed; everything it mounts it
/// unmounts. Needs root (<see cref="Unavailable"/>).
/// </summary>
public sealed partial class CompatObserver : IDisposable
{
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);

    /// <summary>No local e2fsck.conf may change the verdict.</summary>
    private static readonly Dictionary<string, string> NoConfig = new() { ["E2FSCK_CONFIG"] = "/dev/null" };

    private readonly LoopMounter _mounter = new();
    private readonly string _scratch = Directory.CreateTempSubdirectory("ext4codec-compat-").FullName;

    public CompatObserver(IReadOnlyList<string> lowerNames)
    {
        LowerNames = lowerNames;
        Directory.CreateDirectory(Lower);
        Directory.CreateDirectory(Merged);
        foreach (string name in lowerNames) File.WriteAllText(Path.Combine(Lower, name), "lower " + name + "\n");
    }

    /// <summary>The files of the overlay's lower layer.</summary>
    public IReadOnlyList<string> LowerNames { get; }

    private string Lower => Path.Combine(_scratch, "lower");

    private string Merged => Path.Combine(_scratch, "merged");

    /// <summary>Why the observer cannot run here, or null.</summary>
    public static string? Unavailable
    {
        get
        {
            if (LoopMounter.Unavailable is { } why) return why;
            foreach (string tool in new[] { "e2fsck", "debugfs", "find", "stat" })
                if (SystemTool.Find(tool) is null) return $"the compat observation needs {tool}, which is not installed";
            if (!HasOverlay()) return "the compat observation stacks an overlay, and this kernel has no overlayfs (modprobe overlay failed)";
            return null;
        }
    }

    /// <summary>overlayfs is registered, or loads (modprobe overlay).</summary>
    private static bool HasOverlay()
    {
        static bool Registered() => File.Exists("/proc/filesystems") && File.ReadAllText("/proc/filesystems").Contains("\toverlay\n", StringComparison.Ordinal);
        if (Registered()) return true;
        if (SystemTool.Find("modprobe") is not null) SystemTool.Run("modprobe", ["overlay"], ToolTimeout);
        return Registered();
    }

    /// <summary>The running kernel's release.</summary>
    public static string KernelRelease => LoopMounter.KernelRelease;

    /// <summary>The local e2fsck's version ("1.47.0"), from e2fsck -V; empty when it cannot be run.</summary>
    public static string E2fsckVersion { get; } = FindE2fsckVersion();

    private static string FindE2fsckVersion()
    {
        if (SystemTool.Find("e2fsck") is null) return "";
        var run = SystemTool.Run("e2fsck", ["-V"], ToolTimeout);
        var m = E2fsckVersionLine().Match(run.Output + run.Errors);
        return m.Success ? m.Groups[1].Value : "";
    }

    /// <summary>
    /// A plain read-write mount of a copy of <paramref name="image"/>, with the kernel's lines for it. A refusal's
    /// <see cref="MountSight.Said"/> is the kernel line that contains <paramref name="expectedLine"/>, or the last
    /// line when none does.
    /// </summary>
    public (MountSight Sight, LiveMount Mount, string Note) Mount(string image, string upperPath, string expectedLine = "")
    {
        List<string> whiteouts = [], tree = [];
        List<string>? hidden = null;
        string note = "";
        var mount = _mounter.Attempt(image, null, Kernel.MountRequest.Rw, root =>
        {
            // The tree and the whiteouts first: an overlay mount makes directories in its workdir.
            tree = Tree(root);
            string upper = Path.Combine(root, upperPath.TrimStart('/'));
            whiteouts = CharDevicesZero(upper);
            if (LoopMounter.Mode(root) != "rw") return;
            hidden = Hidden(upper, root, out note);
        });
        string outcome = mount.Observable(Kernel.MountRequest.Rw);
        if (mount.Mounted) return (new MountSight(outcome, whiteouts, hidden, "", tree), mount, note);
        string said = mount.Messages.Count == 0 ? "" : mount.Messages[^1];
        if (expectedLine.Length > 0)
            foreach (string line in mount.Messages)
                if (line.Contains(expectedLine, StringComparison.Ordinal)) said = expectedLine;
        return (new MountSight(outcome, [], null, said, []), mount, note);
    }

    /// <summary><c>e2fsck -fn</c> of the image (read-only: it is run on the file itself): exit code (-1 when killed) and output.</summary>
    public (int Exit, string Output) CheckReadOnly(string image)
    {
        var run = SystemTool.Run("e2fsck", ["-fn", image], ToolTimeout, NoConfig);
        return (run.Exit ?? -1, run.Output + run.Errors);
    }

    /// <summary><c>e2fsck -fy</c> of a copy of the image, then debugfs's view of the upper directory.</summary>
    public (RepairSight Sight, int Exit, string Output) Repair(string image, string upperPath)
    {
        string copy = Path.Combine(_scratch, "repair.img");
        try
        {
            var cp = SystemTool.Run("cp", ["--sparse=always", image, copy], ToolTimeout);
            if (cp.Exit != 0) throw new IOException($"cp {image} failed: {cp.Errors}");
            var run = SystemTool.Run("e2fsck", ["-fy", copy], ToolTimeout, NoConfig);
            string output = run.Output + run.Errors;
            bool refused = output.Contains("unsupported feature(s)", StringComparison.Ordinal);
            var whiteouts = refused ? [] : DebugfsWhiteouts(copy, upperPath);
            return (new RepairSight(refused, JournalOutcome(output), whiteouts), run.Exit ?? -1, output.Replace(copy, "IMAGE", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(copy);
        }
    }

    /// <summary>What e2fsck's output says of its journal recovery: none, recovered, or failed:ERRNO (unix.c after e2fsck_run_ext3_journal).</summary>
    internal static string JournalOutcome(string output)
    {
        if (!output.Contains(": recovering journal", StringComparison.Ordinal)) return "none";
        if (output.Contains("Journal checksum error found in", StringComparison.Ordinal)) return "failed:EBADMSG";
        if (output.Contains("Journal corrupted in", StringComparison.Ordinal)) return "failed:EUCLEAN";
        var failed = RecoveryError().Match(output);
        return failed.Success ? "failed:" + ErrnoOf(failed.Groups[1].Value) : "recovered";
    }

    /// <summary>The errno name whose strerror text com_err printed ("Operation not supported" is EOPNOTSUPP).</summary>
    private static string ErrnoOf(string text)
    {
        for (int n = 1; n < 134; n++)
            if (Marshal.GetPInvokeErrorMessage(n) == text) return Kernel.Errno.Name(n);
        return "\"" + text + "\"";
    }

    /// <summary>Every path under the mount point with its type and device number, in <see cref="TreeListing"/>'s form (stat's %F, %t:%T).</summary>
    private static List<string> Tree(string root)
    {
        var entries = new List<string>();
        var run = SystemTool.Run("find", [root, "-mindepth", "1", "-exec", "stat", "-c", "%n|%F|%t:%T", "{}", "+"], ToolTimeout);
        foreach (string line in run.Output.Split('\n'))
        {
            var f = line.Split('|');
            if (f.Length != 3 || !f[0].StartsWith(root, StringComparison.Ordinal)) continue;
            var device = f[2].Split(':');
            uint major = Convert.ToUInt32(device[0], 16), minor = Convert.ToUInt32(device[1], 16);
            string type = f[1] switch
            {
                "regular file" or "regular empty file" => "f",
                "directory" => "d",
                "symbolic link" => "l",
                "fifo" => "p",
                "socket" => "s",
                "character special file" => TreeListing.Type('c', major, minor),
                "block special file" => TreeListing.Type('b', major, minor),
                _ => "?",
            };
            entries.Add(f[0][root.Length..] + "=" + type);
        }
        entries.Sort(StringComparer.Ordinal);
        return entries;
    }

    /// <summary>Names of the character devices 0:0 directly in <paramref name="directory"/> (stat's %t:%T is the device number in hex).</summary>
    private static List<string> CharDevicesZero(string directory)
    {
        var names = new List<string>();
        if (!Directory.Exists(directory)) return names;
        var run = SystemTool.Run("find", [directory, "-mindepth", "1", "-maxdepth", "1", "-type", "c", "-exec", "stat", "-c", "%t:%T %n", "{}", "+"], ToolTimeout);
        foreach (string line in run.Output.Split('\n'))
        {
            int space = line.IndexOf(' ');
            if (space > 0 && line[..space] == "0:0") names.Add(Path.GetFileName(line[(space + 1)..]));
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>
    /// The lower files missing from an overlay of the lower directory under <paramref name="upper"/> (workdir
    /// /work beside it on the same filesystem, made when absent), or null when overlayfs refuses.
    /// </summary>
    private List<string>? Hidden(string upper, string root, out string note)
    {
        note = "";
        string work = Path.Combine(root, "work");
        Directory.CreateDirectory(work);
        var mount = SystemTool.Run("mount", ["-t", "overlay", "overlay", "-o", $"lowerdir={Lower},upperdir={upper},workdir={work}", Merged], ToolTimeout);
        if (mount.Exit != 0)
        {
            note = "mount -t overlay failed: " + mount.Errors.Trim();
            return null;
        }
        try
        {
            var shown = new HashSet<string>(StringComparer.Ordinal);
            foreach (string entry in Directory.EnumerateFileSystemEntries(Merged)) shown.Add(Path.GetFileName(entry));
            var hidden = new List<string>();
            foreach (string name in LowerNames)
                if (!shown.Contains(name)) hidden.Add(name);
            return hidden;
        }
        finally
        {
            if (SystemTool.Run("umount", [Merged], ToolTimeout).Exit != 0) SystemTool.Run("umount", ["-l", Merged], ToolTimeout);
        }
    }

    /// <summary>
    /// The whiteouts debugfs sees in the upper directory: entries whose inode is a character device (ls -p mode
    /// 020000) with device number 00:00 in stat's "Device major/minor number" line.
    /// </summary>
    private List<string> DebugfsWhiteouts(string image, string upperPath)
    {
        var names = new List<string>();
        var ls = SystemTool.Run("debugfs", ["-R", "ls -p " + upperPath, image], ToolTimeout);
        var devices = new List<string>();
        foreach (string line in ls.Output.Split('\n'))
        {
            // /ino/mode/uid/gid/name/size/
            var f = line.Trim().Split('/');
            if (f.Length >= 6 && f[2].Length >= 2 && Convert.ToInt32(f[2], 8) >> 12 == 2) devices.Add(f[5]);
        }
        if (devices.Count == 0) return names;
        string commands = Path.Combine(_scratch, "debugfs.cmd");
        File.WriteAllLines(commands, devices.ConvertAll(d => "stat " + upperPath.TrimEnd('/') + "/" + d));
        var stat = SystemTool.Run("debugfs", ["-f", commands, image], ToolTimeout);
        int i = -1;
        foreach (string line in stat.Output.Split('\n'))
        {
            if (line.StartsWith("debugfs:", StringComparison.Ordinal)) i++;
            if (i >= 0 && i < devices.Count && DeviceZero().IsMatch(line)) names.Add(devices[i]);
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public void Dispose()
    {
        _mounter.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    [GeneratedRegex(@"e2fsck ([0-9][0-9.]*)")]
    private static partial Regex E2fsckVersionLine();

    [GeneratedRegex(@"^\S*e2fsck: (.+) while recovering journal of ", RegexOptions.Multiline)]
    private static partial Regex RecoveryError();

    [GeneratedRegex(@"Device major/minor number: 0+:0+ ")]
    private static partial Regex DeviceZero();
}
