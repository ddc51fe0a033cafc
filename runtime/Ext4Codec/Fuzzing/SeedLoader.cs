using System;
using System.Collections.Generic;
using System.IO;
using Ext4Codec.Imaging;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// Loads seed images for a campaign or an engine harness. The order is part of what a saved input means (an
/// engine's input names its seed by index), so it is fixed: paths in the order given, a folder's images sorted
/// ordinally. Unreadable files and files too short for a superblock are skipped with a line on the error writer.
/// </summary>
public static class SeedLoader
{
    private static readonly string[] Patterns = ["*.img", "*.img.gz", "*.gz", "*.image"];

    /// <summary>The ext4 superblock ends at byte 2048: a shorter seed gives the mutator nothing to locate.</summary>
    private const int MinimumLength = 2048;

    public static List<FuzzSeed> Load(IEnumerable<string> paths, TextWriter error, string prefix)
    {
        var seeds = new List<FuzzSeed>();
        foreach (string file in Expand(paths))
        {
            DiskImage image;
            try
            {
                image = DiskImage.Open(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"{prefix}: {file}: skipped: {e.Message}");
                continue;
            }
            if (image.Length < MinimumLength)
            {
                image.Dispose();
                error.WriteLine($"{prefix}: {file}: skipped, too short to hold a superblock");
                continue;
            }
            seeds.Add(new FuzzSeed(file, image));
        }
        return seeds;
    }

    /// <summary>Files as given; each folder's seed images in ordinal order.</summary>
    public static IEnumerable<string> Expand(IEnumerable<string> paths)
    {
        foreach (string path in paths)
        {
            if (!Directory.Exists(path))
            {
                yield return path;
                continue;
            }
            var found = new SortedSet<string>(StringComparer.Ordinal);
            foreach (string pattern in Patterns) found.UnionWith(Directory.GetFiles(path, pattern));
            foreach (string file in found) yield return file;
        }
    }
}
