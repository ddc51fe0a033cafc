using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using Ext4Codec.Imaging;
using Ext4Codec.Live;
using Ext4Codec.Tests.Corpus;
using Ext4Codec.Versioning;

namespace Ext4Codec.Tests.Versioning;

/// <summary>
/// corpus/compat (corpus/make-compat-images.sh): the scenario's base image, the kernel's own run of the scenario
/// (kernel-today), the variants' hashes and the recorded observations of the live kernel and e2fsck.
/// </summary>
public static class CompatCorpus
{
    public const string BaseImage = "corpus/compat/base.img.gz";

    public const string KernelToday = "corpus/compat/kernel-today.img.gz";

    public const string Upper = "/upper";

    /// <summary>The recorded rows by (variant, oracle), and the kernel release and e2fsck version they were observed on.</summary>
    public static (Dictionary<(string, string), CompatCheckRow> Rows, string Kernel, string E2fsck) Observations()
    {
        var rows = new Dictionary<(string, string), CompatCheckRow>();
        string kernel = "", e2fsck = "";
        foreach (string line in File.ReadLines(RepoImages.PathOf("corpus/compat/observations.tsv")))
        {
            if (line.StartsWith("# Linux ", StringComparison.Ordinal))
            {
                // "# Linux 6.18.44-fc-v1147, e2fsck 1.47.0 (5-Feb-2023)"
                var parts = line[2..].Split(", ");
                kernel = parts[0]["Linux ".Length..];
                e2fsck = parts[1]["e2fsck ".Length..].Split(' ')[0];
                continue;
            }
            var f = line.Split('\t');
            if (f[0] == "variant" || f.Length < 7) continue;
            rows[(f[0], f[1])] = new CompatCheckRow(f[0], f[1], f[2], f[3], f[4], f[6]);
        }
        return (rows, kernel, e2fsck);
    }

    /// <summary>sha256 of each variant image as the script wrote it, by variant name.</summary>
    public static Dictionary<string, string> VariantHashes()
    {
        var hashes = new Dictionary<string, string>();
        foreach (string line in File.ReadLines(RepoImages.PathOf("corpus/compat/variants.sha256")))
        {
            var f = line.Split("  ");
            if (f.Length == 2) hashes[f[1][..^".img".Length]] = f[0];
        }
        return hashes;
    }

    /// <summary>Writes the variant from the base image into <paramref name="folder"/> as VARIANT.img, as compat --write-scenarios does.</summary>
    public static string WriteVariant(ScenarioVariant variant, string folder)
    {
        using var baseImage = DiskImage.FromStream(new MemoryStream(RepoImages.Decompress(BaseImage)), "base.img");
        using var view = baseImage.PrivateCopy();
        WhiteoutScenario.Write(view, Upper, variant);
        string path = Path.Combine(folder, variant.Name + ".img");
        view.SaveSparse(path);
        return path;
    }

    /// <summary>A repo image written out as a plain file in <paramref name="folder"/>.</summary>
    public static string Plain(string relative, string folder)
    {
        string path = Path.Combine(folder, Path.GetFileName(relative)[..^".gz".Length]);
        File.WriteAllBytes(path, RepoImages.Decompress(relative));
        return path;
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
