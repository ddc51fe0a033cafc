using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace Ext4Codec.Fuzz;

/// <summary>Runs inputs once without an engine: reproduces what AFL++ or libFuzzer saved, and smoke-tests the harness.</summary>
internal static class ReplayRunner
{
    /// <summary>0 when no input was a finding, 1 when one was, 2 when an input could not be read.</summary>
    public static int Run(Harness harness, IEnumerable<string> paths, TextWriter o, TextWriter error)
    {
        int inputs = 0, findings = 0, unreadable = 0;
        foreach (string file in Expand(paths))
        {
            byte[] input;
            try
            {
                input = File.ReadAllBytes(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"ext4codec-fuzz: {file}: {e.Message}");
                unreadable++;
                continue;
            }
            inputs++;
            var chain = new List<string>();
            var clock = Stopwatch.StartNew();
            Exception? escaped = null;
            try
            {
                harness.Run(input, chain);
            }
            catch (Exception e)
            {
                escaped = e;
            }
            clock.Stop();
            o.WriteLine($"{file}: {(escaped is null ? "ok" : "FINDING")} ({clock.Elapsed.TotalMilliseconds:F1} ms)");
            foreach (string step in chain) o.WriteLine("  " + step);
            if (escaped is null) continue;
            findings++;
            o.WriteLine("  " + escaped.ToString().Replace("\n", "\n  ", StringComparison.Ordinal));
        }
        o.WriteLine($"{inputs} inputs, {findings} findings");
        return findings > 0 ? 1 : unreadable > 0 ? 2 : 0;
    }

    /// <summary>Files as given; a folder's files sorted, skipping the README.txt afl-fuzz writes beside crashes.</summary>
    private static IEnumerable<string> Expand(IEnumerable<string> paths)
    {
        foreach (string path in paths)
        {
            if (!Directory.Exists(path))
            {
                yield return path;
                continue;
            }
            var files = Directory.GetFiles(path);
            Array.Sort(files, StringComparer.Ordinal);
            foreach (string file in files)
                if (!Path.GetFileName(file).Equals("README.txt", StringComparison.Ordinal)) yield return file;
        }
    }
}
