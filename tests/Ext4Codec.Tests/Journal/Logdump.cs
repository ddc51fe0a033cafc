using System.Collections.Generic;
using System.Text.RegularExpressions;
using Ext4Codec.Tests.Corpus;

namespace Ext4Codec.Tests.Journal;

/// <summary>What <c>debugfs -R "logdump -a"</c> (e2fsprogs debugfs/logdump.c, descriptor tags included) says of an image's journal, parsed.</summary>
public sealed partial class Logdump
{
    /// <summary>"Found expected sequence S, type T (…) at block B": the log's metadata blocks in walk order.</summary>
    public List<(uint Tid, uint Type, uint Block)> MetadataBlocks { get; } = [];

    /// <summary>"FS block F logged at journal block J": data blocks in walk order.</summary>
    public List<(ulong FsBlock, uint LogBlock)> DataBlocks { get; } = [];

    /// <summary>The fast-commit area's "tag …" lines.</summary>
    public List<string> FcTags { get; } = [];

    public string Text { get; private set; } = "";

    public static Logdump Of(string image)
    {
        string output = ExternalTool.Run("debugfs", "-R", "logdump -a", image).Output;
        var dump = new Logdump { Text = output };
        bool fc = false;
        foreach (string line in output.Split('\n'))
        {
            if (line.StartsWith("*** Fast Commit Area ***", System.StringComparison.Ordinal)) fc = true;
            if (fc && line.StartsWith("tag ", System.StringComparison.Ordinal)) dump.FcTags.Add(line);
            var m = Found().Match(line);
            if (m.Success) dump.MetadataBlocks.Add((uint.Parse(m.Groups[1].Value), uint.Parse(m.Groups[2].Value), uint.Parse(m.Groups[3].Value)));
            m = Logged().Match(line);
            if (m.Success) dump.DataBlocks.Add((ulong.Parse(m.Groups[1].Value), uint.Parse(m.Groups[2].Value)));
        }
        return dump;
    }

    [GeneratedRegex(@"^Found expected sequence (\d+), type (\d+) \(.*\) at block (\d+)$")]
    private static partial Regex Found();

    [GeneratedRegex(@"^  FS block (\d+) logged at journal block (\d+) ")]
    private static partial Regex Logged();
}
