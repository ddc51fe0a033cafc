using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using Ext4Codec.Imaging;
using Ext4Codec.Kernel;
using Ext4Codec.Tests.Corpus;

namespace Ext4Codec.Tests.Kernel;

/// <summary>One row of corpus/e2fs-kernel-mounts.tsv: what Linux 6.18 did with an e2fsprogs test image, three ways.</summary>
public sealed record ObservedMount(string Id, string RoNoLoad, string RoNoLoadMessages, string Ro, string RoMessages, string Rw, string RwMode, string RwMessages)
{
    public static string TsvPath => Path.Combine(RepoImages.Root, "corpus", "e2fs-kernel-mounts.tsv");

    public static IReadOnlyList<ObservedMount> Read()
    {
        var rows = new List<ObservedMount>();
        bool header = true;
        foreach (string line in File.ReadLines(TsvPath))
        {
            if (line.StartsWith('#')) continue;
            if (header)
            {
                header = false;
                continue;
            }
            var c = line.Split('\t');
            rows.Add(new ObservedMount(c[0], c[2], c[3], c[4], c[5], c[6], c[7], c[8]));
        }
        return rows;
    }

    /// <summary>The observed outcome (in the form of <see cref="MountOutcome.Observable"/>) and messages of one request.</summary>
    public (string Outcome, string Messages) For(MountRequest request)
    {
        if (request == MountRequest.RoNoLoad) return (RoNoLoad, RoNoLoadMessages);
        if (request == MountRequest.Ro) return (Ro, RoMessages);
        return (Outcome(request, Rw, RwMode), RwMessages);
    }

    /// <summary>
    /// An observed outcome (ok, fail:ERRNO, hang) in the form of <see cref="MountOutcome.Observable"/>: a successful rw request becomes
    /// ok:rw or ok:ro by its mode; "rw>ro" (read-write at mount, read-only after ls -R met an error) is a read-write mount.
    /// </summary>
    public static string Outcome(MountRequest request, string outcome, string rwMode)
        => request == MountRequest.Rw && outcome == "ok" ? "ok:" + (rwMode == "rw>ro" ? "rw" : rwMode) : outcome;

    /// <summary>The observed messages with the observer's device names written as the model writes them.</summary>
    public static string Normalise(string messages)
        => messages.Replace("jloop#", KernelMountModel.JournalDevice, StringComparison.Ordinal).Replace("loop#", KernelMountModel.Device, StringComparison.Ordinal);

    /// <summary>
    /// The journal device the observer attached (journal_path=) for images whose journal is external: the tar's
    /// .jnl member beside the extracted image, or the gzip journal the manifest lists; null for the others.
    /// </summary>
    public static DiskImage? ExternalJournal(string id, ExtractedImage extracted)
        => ExternalJournalFile(id, extracted) is { } file ? DiskImage.Open(file) : null;

    /// <summary>
    /// <see cref="ExternalJournal"/> as a plain file (a loop device needs one): the .jnl member, or the manifest's gzip
    /// journal expanded beside the extracted image (deleted with it); null when the journal is not external.
    /// </summary>
    public static string? ExternalJournalFile(string id, ExtractedImage extracted)
    {
        var row = E2fsCorpus.Row(id);
        if (!row["journal_location"].StartsWith("external", StringComparison.Ordinal)) return null;
        string dir = Path.GetDirectoryName(extracted.Path)!;
        string[] members = Directory.GetFiles(dir, "*.jnl");
        if (members.Length > 0) return members[0];
        foreach (string aux in row["aux_copied"].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!aux.Contains("journal", StringComparison.OrdinalIgnoreCase)) continue;
            string target = Path.Combine(dir, id + ".journal");
            using (var input = new GZipStream(File.OpenRead(Path.Combine(E2fsCorpus.Root!, aux)), CompressionMode.Decompress))
            using (var output = File.Create(target)) input.CopyTo(output);
            return target;
        }
        return null;
    }
}
