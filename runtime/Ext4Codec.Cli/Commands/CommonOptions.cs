using System.CommandLine;
using System.IO;
using System.Text;
using System.Text.Json;
using Ext4Codec.Directories;
using Ext4Codec.FileSystem;

namespace Ext4Codec.Cli.Commands;

/// <summary>Arguments and helpers every image verb shares.</summary>
public static class CommonOptions
{
    public static Argument<string> Image() => new("image") { Description = "ext2/3/4 image file (opened read-only; .gz is expanded)" };

    public static Option<bool> Json() => new("--json") { Description = "machine-readable output with the kernel's field names" };

    /// <summary>--proposal: the format proposal the image is read under (default: the one its flags show, if any).</summary>
    public static Option<string> Proposal()
    {
        var option = new Option<string>("--proposal") { Description = "read the image as a reader that implements this format proposal (fc_feature, sb_incompat, static_whiteout, none); default: the one the image's flags use" };
        var ids = new System.Collections.Generic.List<string> { "none" };
        foreach (var p in Format.SpecProposals.All) ids.Add(p.Id);
        option.AcceptOnlyFromAmong(ids.ToArray());
        return option;
    }

    /// <summary>The proposal named with --proposal, or the one the image's flags show (null: none, or "none" asked for).</summary>
    public static Format.ProposalLayout? ResolveProposal(ParseResult parse, Option<string> option, Ext4FileSystem fs)
    {
        string? id = parse.GetValue(option);
        if (id == "none") return null;
        return id is null ? Versioning.ProposalDetector.Single(fs) : Format.SpecProposals.Find(id);
    }

    public static Argument<string> Path(string description, string? defaultValue = null)
    {
        var path = new Argument<string>("path") { Description = description + " (absolute, or <INO> for an inode number)" };
        if (defaultValue is not null) path.DefaultValueFactory = _ => defaultValue;
        return path;
    }

    /// <summary>Opens the image named by <paramref name="image"/>, runs <paramref name="action"/> on it, and maps failures to one line and exit 8.</summary>
    public static int OnImage(ParseResult parse, Argument<string> image, System.Action<Ext4FileSystem> action)
    {
        string path = parse.GetValue(image)!;
        return ImageErrors.Run(path, parse.InvocationConfiguration.Error, () =>
        {
            using var fs = Ext4FileSystem.Open(path);
            action(fs);
        });
    }

    /// <summary>Like the other overload, for verbs whose verdict is the exit code (0 clean, 4 errors found).</summary>
    public static int OnImage(ParseResult parse, Argument<string> image, System.Func<Ext4FileSystem, int> action)
    {
        string path = parse.GetValue(image)!;
        return ImageErrors.Run(path, parse.InvocationConfiguration.Error, () =>
        {
            using var fs = Ext4FileSystem.Open(path);
            return action(fs);
        });
    }

    /// <summary>The image's journal, or a <see cref="CommandProblem"/> saying why there is none to read.</summary>
    /// <exception cref="CommandProblem">No journal in the image, or the kernel would refuse it.</exception>
    public static Journal.Jbd2Journal OpenJournal(Ext4FileSystem fs)
    {
        if (!Journal.Jbd2Journal.TryOpen(fs, out var journal, out string problem)) throw new CommandProblem(problem);
        return journal;
    }

    /// <exception cref="CommandProblem">The path does not resolve.</exception>
    public static uint Resolve(Ext4FileSystem fs, string path)
    {
        uint ino = PathResolver.Resolve(fs, path, out var problem);
        if (ino == 0) throw new CommandProblem(problem!);
        return ino;
    }

    /// <summary>Writes indented JSON produced by <paramref name="write"/> as one document.</summary>
    public static void WriteJson(TextWriter output, System.Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            write(writer);
        output.WriteLine(Encoding.UTF8.GetString(stream.ToArray()));
    }
}
