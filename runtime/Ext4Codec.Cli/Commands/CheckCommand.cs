using System.CommandLine;
using System.IO;
using System.Text.Json;
using Ext4Codec.Checking;
using Ext4Codec.Imaging;
using Ext4Codec.Kernel;
using Ext4Codec.Reports;

namespace Ext4Codec.Cli.Commands;

/// <summary>
/// <c>check IMAGE</c>: the e2fsck -fn equivalent, read-only. Exit code as e2fsck -n: 0 clean, 4 errors left,
/// 8 operational error (not ext4, unreadable, check aborted), 12 both.
/// </summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var image = CommonOptions.Image();
        var json = CommonOptions.Json();
        var sarif = new Option<string?>("--sarif") { Description = "also write the findings as SARIF 2.1.0 to this file" };
        var kernel = new Option<string>("--kernel") { Description = "kernel profile for the mount verdict", DefaultValueFactory = _ => KernelProfile.Linux6_18.Version };
        var journal = new Option<string?>("--journal") { Description = "external journal device image, for filesystems whose journal is not inside IMAGE" };
        var proposal = CommonOptions.Proposal();
        proposal.Description = "check as e2fsck 1.47.0 taught this format proposal would (its feature bits known, its rules applied); default: e2fsck 1.47.0 as it is";
        var command = new Command("check", "Check the filesystem as e2fsck -fn does and predict the kernel's mount verdict (read-only): problem codes, locations, e2fsck's exit code") { image, json, sarif, kernel, journal, proposal };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(image)!;
            return ImageErrors.Run(path, parse.InvocationConfiguration.Error, () =>
            {
                if (!KernelProfile.TryGet(parse.GetValue(kernel)!, out var profile))
                    throw new CommandProblem($"unknown kernel profile '{parse.GetValue(kernel)}' (known: {string.Join(", ", System.Linq.Enumerable.Select(KernelProfile.Known, k => k.Version))})");
                using var disk = DiskImage.Open(path);
                using var external = parse.GetValue(journal) is string j ? DiskImage.Open(j) : null;
                var verdict = KernelMountModel.Judge(disk, external, profile);
                string? id = parse.GetValue(proposal);
                var options = FsckOptions.For(id is null or "none" ? null : Format.SpecProposals.Find(id));
                var result = FsckChecker.Check(disk, ProgressOnTerminal(parse.InvocationConfiguration.Error), options);
                ClearProgress(parse.InvocationConfiguration.Error);
                var o = parse.InvocationConfiguration.Output;
                if (parse.GetValue(sarif) is string target)
                {
                    using var stream = File.Create(target);
                    using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
                    SarifReport.Write(writer, new System.Uri(Path.GetFullPath(path)).AbsoluteUri, result);
                }
                if (parse.GetValue(json)) CommonOptions.WriteJson(o, w => WriteJson(w, path, verdict, result));
                else WriteText(o, path, verdict, result);
                return result.ExitCode;
            });
        });
        return command;
    }

    /// <summary>e2fsck's "Pass N: …" lines on standard error, one line rewritten in place, when it is a terminal.</summary>
    private static System.IProgress<string>? ProgressOnTerminal(TextWriter error)
        => ReferenceEquals(error, System.Console.Error) && !System.Console.IsErrorRedirected ? new TerminalProgress(error) : null;

    private static void ClearProgress(TextWriter error)
    {
        if (ReferenceEquals(error, System.Console.Error) && !System.Console.IsErrorRedirected) error.Write("\r\u001b[K");
    }

    private sealed class TerminalProgress(TextWriter error) : System.IProgress<string>
    {
        public void Report(string value) => error.Write("\r\u001b[K" + value);
    }

    private static void WriteJson(Utf8JsonWriter w, string path, KernelVerdict k, FsckResult r)
    {
        w.WriteStartObject();
        w.WriteString("image", path);
        w.WriteStartObject("kernel");
        w.WriteString("version", k.Profile.Version);
        w.WriteString("mount", k.Mount);
        w.WriteString("message", k.Message);
        foreach (var (name, m) in new[] { ("rw", k.Rw), ("ro", k.Ro), ("ro_noload", k.RoNoLoad) })
        {
            w.WriteStartObject(name);
            w.WriteBoolean("mounted", m.Mounted);
            w.WriteBoolean("read_only", m.ReadOnly);
            if (m.Errno.Length > 0) w.WriteString("errno", m.Errno);
            if (m.CheckId.Length > 0) w.WriteString("check", m.CheckId);
            w.WriteStartArray("messages");
            foreach (var line in m.Messages) w.WriteStringValue(line);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteStartArray("notes");
        foreach (var n in k.Notes) w.WriteStringValue(n);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNumber("exit", r.ExitCode);
        w.WriteBoolean("aborted", r.OperationalError);
        if (r.AbortReason.Length > 0) w.WriteString("abort_reason", r.AbortReason);
        w.WriteNumber("last_pass", r.LastPass);
        w.WriteNumber("superblock", r.BackupSuperblock);
        w.WriteNumber("inodes_used", r.InodesUsed);
        w.WriteNumber("s_inodes_count", r.InodesCount);
        w.WriteNumber("blocks_used", r.BlocksUsed);
        w.WriteNumber("s_blocks_count", r.BlocksCount);
        w.WriteStartArray("findings");
        foreach (var f in r.Findings)
        {
            w.WriteStartObject();
            w.WriteString("code", f.Code);
            w.WriteNumber("pass", f.Pass);
            w.WriteString("message", f.Message);
            w.WriteBoolean("counts", f.CountsAsError);
            if (f.Group is uint g) w.WriteNumber("group", g);
            if (f.Inode is uint i) w.WriteNumber("inode", i);
            if (f.Block is ulong b) w.WriteNumber("block", b);
            if (f.Offset is long off) w.WriteNumber("offset", off);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>e2fsck-like summary: the mount verdict, a table of findings, the verdict line; ANSI colours only on a terminal (and not with NO_COLOR).</summary>
    private static void WriteText(TextWriter o, string path, KernelVerdict k, FsckResult r)
    {
        bool colour = ReferenceEquals(o, System.Console.Out) && !System.Console.IsOutputRedirected
            && System.Environment.GetEnvironmentVariable("NO_COLOR") is null && System.Environment.GetEnvironmentVariable("TERM") != "dumb";
        string Paint(string text, string code) => colour ? $"\u001b[{code}m{text}\u001b[0m" : text;
        string mount = Paint(k.Mount, k.Mount == "rw" ? "32" : k.Mount == "ro" ? "33" : "31");
        o.WriteLine($"Linux {k.Profile.Version} mount: {mount}{(k.Message.Length > 0 ? " — " + k.Message : "")}");
        foreach (var n in k.Notes) o.WriteLine("  note: " + n);
        if (r.BackupSuperblock != 0) o.WriteLine($"read from the backup superblock at block {r.BackupSuperblock}");
        if (r.Findings.Count > 0)
        {
            int width = 4;
            foreach (var f in r.Findings) width = System.Math.Max(width, f.Code.Length);
            o.WriteLine($"{"pass",-4}  {"code".PadRight(width)}  {"where",-16}  problem");
            foreach (var f in r.Findings)
            {
                string code = Paint(f.Code.PadRight(width), f.CountsAsError ? "31" : "2");
                o.WriteLine($"{f.Pass,4}  {code}  {Where(f),-16}  {(f.CountsAsError ? "" : "(not counted) ")}{f.Message}");
            }
        }
        if (r.OperationalError) o.WriteLine(Paint($"{path}: check aborted: {r.AbortReason}", "31"));
        int counted = r.Findings.FindAll(f => f.CountsAsError).Count;
        o.WriteLine(r.ErrorsLeft
            ? Paint($"{path}: ********** errors left: {counted} problem(s) e2fsck -n would leave uncorrected **********", "1;31")
            : Paint($"{path}: {(r.OperationalError ? "not checked to the end" : "clean")}, {r.InodesUsed}/{r.InodesCount} files, {r.BlocksUsed}/{r.BlocksCount} blocks", r.OperationalError ? "33" : "32"));
    }

    private static string Where(Finding f)
        => f.Inode is uint i ? $"inode {i}" : f.Group is uint g ? $"group {g}" : f.Block is ulong b ? $"block {b}" : f.Offset is long off ? $"byte {off}" : "-";
}
