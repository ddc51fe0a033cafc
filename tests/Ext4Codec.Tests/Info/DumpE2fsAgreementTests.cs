using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Journal;
using Ext4Codec.Reports;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Info;

/// <summary>
/// <c>info</c> against the stored <c>dumpe2fs -h</c> output of every corpus image it reads, field by field.
/// Not compared: "Reserved blocks uid/gid" beyond the number (dumpe2fs adds the local user name), "Bad blocks"
/// (listing inode 1's blocks is not part of info yet), the MMP block dump dumpe2fs appends (print_mmp_block), and
/// the error messages dumpe2fs wrote to the same file ("ext2fs_read_bb_inode: …", "dumpe2fs: …").
/// </summary>
public class DumpE2fsAgreementTests
{
    public static IEnumerable<object[]> Images => E2fsCorpus.Ids(r => r["dumpe2fs_exit"] == "0" && r["sb_source"] == "primary");

    [SkippableTheory]
    [MemberData(nameof(Images))]
    public void Info_lists_what_dumpe2fs_lists(string id)
    {
        Skip.If(id == E2fsCorpus.Absent, E2fsCorpus.SkipReason);
        var expected = ParseDumpe2fs(File.ReadAllLines(Path.Combine(E2fsCorpus.Root!, "dumpe2fs-h", id + ".dumpe2fs-h.txt")));
        using var image = E2fsCorpus.Extract(id);
        using var fs = Ext4FileSystem.Open(image.Path);
        var actual = SuperblockListing.Describe(fs.SuperBlock);
        var journal = JournalLocator.Locate(fs);
        if (JournalLocator.TryReadSuperblock(fs, journal, out var jsb) && jsb.s_header.h_magic == 0xC03B3998)
            actual.AddRange(JournalListing.Describe(jsb, fs.Geometry.BlockSize, fs.Geometry.Has(Ext4FeatureCompat.COMPAT_FAST_COMMIT)));
        var ours = Normalise(actual.Select(f => (f.Label, f.Value)));

        var mismatches = new List<string>();
        foreach (var (label, values) in expected)
        {
            if (label is "Bad blocks:" || label.StartsWith("MMP_", System.StringComparison.Ordinal) || label == "MMP block:") continue;
            if (label.StartsWith("ext2fs_", System.StringComparison.Ordinal) || label.StartsWith("dumpe2fs", System.StringComparison.Ordinal)) continue;
            if (!ours.TryGetValue(label, out var mine)) { mismatches.Add($"missing {label} {string.Join(" | ", values)}"); continue; }
            if (!values.SequenceEqual(mine)) mismatches.Add($"{label} dumpe2fs '{string.Join(" | ", values)}' ours '{string.Join(" | ", mine)}'");
        }
        foreach (var label in ours.Keys.Where(l => !expected.ContainsKey(l))) mismatches.Add($"extra {label}");
        Assert.True(mismatches.Count == 0, id + ":\n" + string.Join("\n", mismatches));
    }

    /// <summary>Label → values (several for continued lines such as journal users); user/group names dropped.</summary>
    private static Dictionary<string, List<string>> ParseDumpe2fs(string[] lines)
    {
        var pairs = new List<(string, string)>();
        string last = "";
        foreach (var raw in lines.Skip(1))
        {
            if (raw.StartsWith("Exit status", System.StringComparison.Ordinal) || raw.Length == 0) continue;
            string line = raw.Replace('\t', ' ');
            if (line.StartsWith(' ')) { pairs.Add((last, line.Trim())); continue; }
            int colon = line.IndexOf(':');
            if (colon < 0) continue;
            last = line[..(colon + 1)];
            pairs.Add((last, line[(colon + 1)..].Trim()));
        }
        return Normalise(pairs);
    }

    private static Dictionary<string, List<string>> Normalise(IEnumerable<(string Label, string Value)> pairs)
    {
        var map = new Dictionary<string, List<string>>();
        string current = "";
        foreach (var (label, value) in pairs)
        {
            string key = label.Length > 0 ? label : current;
            current = key;
            string v = value.Trim();
            if (key is "Reserved blocks uid:" or "Reserved blocks gid:") v = v.Split(' ')[0];
            if (!map.TryGetValue(key, out var list)) map[key] = list = new List<string>();
            list.Add(v);
        }
        return map;
    }
}
