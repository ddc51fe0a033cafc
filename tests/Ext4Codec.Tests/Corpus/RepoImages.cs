using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Ext4Codec.Tests.Corpus;

/// <summary>The kernel-written images checked into corpus/ (the demo image and corpus/kernel/*.img.gz).</summary>
public static class RepoImages
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Codec.sln"))) return dir.FullName;
        throw new InvalidOperationException("Codec.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Image paths relative to the repository root, for theory data.</summary>
    public static IEnumerable<object[]> All()
    {
        var files = new List<string> { Path.Combine("corpus", "images", "demo-ext4.img.gz") };
        string kernel = Path.Combine(Root, "corpus", "kernel");
        if (Directory.Exists(kernel))
            files.AddRange(Directory.GetFiles(kernel, "*.img.gz").Order(StringComparer.Ordinal).Select(f => Path.GetRelativePath(Root, f)));
        return files.Select(f => new object[] { f });
    }

    public const string NoKernelImages = "(no corpus/kernel images)";

    /// <summary>corpus/kernel/*.img.gz that have a .tree dump beside them; one <see cref="NoKernelImages"/> row when there are none.</summary>
    public static IEnumerable<object[]> Kernel()
    {
        string kernel = Path.Combine(Root, "corpus", "kernel");
        var rows = !Directory.Exists(kernel) ? [] : Directory.GetFiles(kernel, "*.img.gz").Order(StringComparer.Ordinal)
            .Where(f => File.Exists(Beside(f, ".tree")))
            .Select(f => new object[] { Path.GetRelativePath(Root, f) }).ToList();
        return rows.Count > 0 ? rows : [[NoKernelImages]];
    }

    public const string NoFastCommitImages = "(no corpus/fc images)";

    /// <summary>corpus/fc/*.img.gz (kernel-written crash images with un-replayed fast commits); one <see cref="NoFastCommitImages"/> row when there are none.</summary>
    public static IEnumerable<object[]> FastCommit()
    {
        string dir = Path.Combine(Root, "corpus", "fc");
        var rows = !Directory.Exists(dir) ? [] : Directory.GetFiles(dir, "*.img.gz").Order(StringComparer.Ordinal)
            .Select(f => new object[] { Path.GetRelativePath(Root, f) }).ToList();
        return rows.Count > 0 ? rows : [[NoFastCommitImages]];
    }

    /// <summary>A repo image decompressed into a temporary file, for tools that need a plain file.</summary>
    public static ExtractedImage Extract(string relative)
    {
        string dir = Directory.CreateTempSubdirectory("repo-image-").FullName;
        string target = Path.Combine(dir, Path.GetFileName(relative)[..^".gz".Length]);
        using (var input = new System.IO.Compression.GZipStream(File.OpenRead(PathOf(relative)), System.IO.Compression.CompressionMode.Decompress))
        using (var output = File.Create(target)) input.CopyTo(output);
        return new ExtractedImage(target, dir);
    }

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>The bytes of a gzip image (a path, absolute or relative to the repository root).</summary>
    public static byte[] Decompress(string path)
    {
        using var input = new System.IO.Compression.GZipStream(File.OpenRead(PathOf(path)), System.IO.Compression.CompressionMode.Decompress);
        var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>The file beside a kernel image with the same name, e.g. its <c>.tree</c> dump.</summary>
    public static string Beside(string imagePath, string extension) => imagePath[..^".img.gz".Length] + extension;
}
