using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// Writes a finding as a reproducer: the mutant image (gzip, so a sparse image stays small) and beside it a
/// text file with the target, the seed, the campaign seed and iteration, the minimised mutation chain (one
/// line each) and what went wrong. Replaying the image through the target shows the finding again.
/// </summary>
public static class Reproducer
{
    private const int Chunk = 1 << 20;

    /// <returns>The image's path.</returns>
    public static string Save(string directory, FuzzOptions options, FuzzSeed seed, FuzzFinding finding)
    {
        Directory.CreateDirectory(directory);
        string stem = Path.Combine(directory, Name(options.Target, finding));
        string image = stem + ".img.gz";
        using (var mutant = new Mutant(seed.Image))
        {
            foreach (var m in finding.Chain) m.Apply(mutant, seed.Map);
            using var file = File.Create(image);
            using var gzip = new GZipStream(file, CompressionLevel.SmallestSize);
            for (long at = 0; at < mutant.Image.Length; at += Chunk)
                gzip.Write(mutant.Image.Read(at, (int)Math.Min(Chunk, mutant.Image.Length - at)));
        }
        File.WriteAllText(stem + ".txt", Describe(options, finding));
        return image;
    }

    /// <summary>"check-exception-1a2b3c4d": target, kind and a hash of the finding's signature.</summary>
    public static string Name(FuzzTarget target, FuzzFinding finding)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(finding.Signature));
        return target.ToString().ToLowerInvariant() + "-" + finding.Kind.ToString().ToLowerInvariant() + "-" + Convert.ToHexString(hash, 0, 4).ToLowerInvariant();
    }

    public static string Describe(FuzzOptions options, FuzzFinding finding)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.Append(c, $"target: {options.Target.ToString().ToLowerInvariant()}\n");
        text.Append(c, $"kind: {finding.Kind.ToString().ToLowerInvariant()}\n");
        text.Append(c, $"signature: {finding.Signature}\n");
        text.Append(c, $"seed image: {finding.SeedName}\n");
        text.Append(c, $"campaign seed: {options.Seed}, iteration {finding.Iteration}, seen {finding.Occurrences} times\n");
        text.Append("mutations:\n");
        foreach (var m in finding.Chain) text.Append("  ").Append(m.Describe()).Append('\n');
        text.Append("what happened:\n");
        foreach (string line in finding.Message.Split('\n')) text.Append("  ").Append(line.TrimEnd('\r')).Append('\n');
        return text.ToString();
    }
}
