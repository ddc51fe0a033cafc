using System;
using System.Collections.Generic;
using System.IO;
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

    /// <summary>The observed outcome and messages of one request; "rw>ro" (read-write at mount, read-only after ls -R met an error) is a read-write mount.</summary>
    public (string Outcome, string Messages) For(MountRequest request)
    {
        if (request == MountRequest.RoNoLoad) return (RoNoLoad, RoNoLoadMessages);
        if (request == MountRequest.Ro) return (Ro, RoMessages);
        string mode = RwMode == "rw>ro" ? "rw" : RwMode;
        return (Rw == "ok" ? "ok:" + mode : Rw, RwMessages);
    }

    /// <summary>A predicted outcome in the observed form: ok (ok:rw / ok:ro for the rw request), fail:ERRNO, or hang.</summary>
    public static string Form(MountOutcome outcome)
    {
        if (!outcome.Mounted) return outcome.Errno == "hang" ? "hang" : "fail:" + outcome.Errno;
        return outcome.Request == MountRequest.Rw ? "ok:" + (outcome.ReadOnly ? "ro" : "rw") : "ok";
    }

    /// <summary>The observed messages with the observer's device names written as the model writes them.</summary>
    public static string Normalise(string messages)
        => messages.Replace("jloop#", KernelMountModel.JournalDevice, StringComparison.Ordinal).Replace("loop#", KernelMountModel.Device, StringComparison.Ordinal);

    /// <summary>
    /// The journal device the observer attached (journal_path=) for images whose journal is external: the tar's
    /// .jnl member beside the extracted image, or the gzip journal the manifest lists; null for the others.
    /// </summary>
    public static DiskImage? ExternalJournal(string id, ExtractedImage extracted)
    {
        var row = E2fsCorpus.Row(id);
        if (!row["journal_location"].StartsWith("external", StringComparison.Ordinal)) return null;
        string[] members = Directory.GetFiles(Path.GetDirectoryName(extracted.Path)!, "*.jnl");
        if (members.Length > 0) return DiskImage.Open(members[0]);
        foreach (string aux in row["aux_copied"].Split(',', StringSplitOptions.RemoveEmptyEntries))
            if (aux.Contains("journal", StringComparison.OrdinalIgnoreCase)) return DiskImage.Open(Path.Combine(E2fsCorpus.Root!, aux));
        return null;
    }
}
