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
