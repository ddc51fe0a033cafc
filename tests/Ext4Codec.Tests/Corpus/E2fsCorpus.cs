using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Ext4Codec.Tests.Corpus;

/// <summary>The e2fsprogs test images in ../shared/e2fs-corpus (beside the repository), used in place, never copied in.</summary>
public static class E2fsCorpus
{
    public const string Absent = "(e2fs-corpus absent)";

    public static string? Root { get; } = Find();

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Codec.sln")))
            {
                string candidate = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "e2fs-corpus"));
                return File.Exists(Path.Combine(candidate, "manifest.tsv")) ? candidate : null;
            }
        }
        return null;
    }

    public static string SkipReason => "../shared/e2fs-corpus is not beside the repository; corpus tests skipped";

    private static readonly Lazy<List<Dictionary<string, string>>> Rows = new(() =>
    {
        var rows = new List<Dictionary<string, string>>();
        if (Root is null) return rows;
        var lines = File.ReadAllLines(Path.Combine(Root, "manifest.tsv"));
        var header = lines[0].Split('\t');
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split('\t');
            rows.Add(header.Select((h, i) => (h, v: i < cells.Length ? cells[i] : "")).ToDictionary(x => x.h, x => x.v));
        }
        return rows;
    });

    public static IReadOnlyList<Dictionary<string, string>> Manifest => Rows.Value;

    public static Dictionary<string, string> Row(string id) => Manifest.Single(r => r["id"] == id);

    /// <summary>Ids for a theory; a single <see cref="Absent"/> row when the corpus is not there, so the test can skip.</summary>
    public static IEnumerable<object[]> Ids(Func<Dictionary<string, string>, bool> filter)
    {
        if (Root is null) return new[] { new object[] { Absent } };
        return Manifest.Where(filter).Select(r => new object[] { r["id"] });
    }

    /// <summary>The image decompressed into a temporary file (deleted by the caller via <see cref="ExtractedImage.Dispose"/>).</summary>
    public static ExtractedImage Extract(string id)
    {
        var row = Row(id);
        string source = Path.Combine(Root!, row["corpus_file"]);
        string dir = Directory.CreateTempSubdirectory("e2fs-corpus-").FullName;
        string target = Path.Combine(dir, id + ".img");
        switch (row["compression"])
        {
            case "gzip":
                using (var input = new System.IO.Compression.GZipStream(File.OpenRead(source), System.IO.Compression.CompressionMode.Decompress))
                using (var output = File.Create(target)) input.CopyTo(output);
                break;
            case "bzip2":
                Run("sh", "-c", $"bunzip2 -c '{source}' > '{target}'");
                break;
            default:
                Run("tar", "-xjf", source, "-C", dir);
                target = Directory.GetFiles(dir, "*.img").Single();
                break;
        }
        return new ExtractedImage(target, dir);
    }

    private static void Run(string file, params string[] args)
    {
        var (exit, _, errors) = ExternalTool.Run(file, args);
        if (exit != 0) throw new InvalidOperationException($"{file} failed: {errors}");
    }
}

public sealed class ExtractedImage(string path, string dir) : IDisposable
{
    public string Path { get; } = path;

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
