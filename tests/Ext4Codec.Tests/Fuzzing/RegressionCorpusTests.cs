using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ext4Codec.Fuzzing;
using Ext4Codec.Imaging;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Fuzzing;

/// <summary>
/// Every fixed finding stays fixed: corpus/fuzz/TARGET-KIND-HASH.img.gz is the reproducer the campaign wrote
/// (its .txt beside it says what it was), replayed through its target. It must end without an escaping
/// exception and allocate within the campaign's memory bound.
/// </summary>
public class RegressionCorpusTests
{
    public static IEnumerable<object[]> Reproducers()
    {
        string dir = RepoImages.PathOf("corpus/fuzz");
        var files = Directory.Exists(dir) ? Directory.GetFiles(dir, "*.img.gz").Order(StringComparer.Ordinal).ToList() : [];
        return files.Count == 0 ? [["(none)"]] : files.Select(f => new object[] { Path.GetFileName(f) });
    }

    [SkippableTheory]
    [MemberData(nameof(Reproducers))]
    public void Reproducer_no_longer_fails(string name)
    {
        Skip.If(name == "(none)", "corpus/fuzz holds no reproducer");
        Assert.True(File.Exists(RepoImages.PathOf("corpus/fuzz/" + name[..^".img.gz".Length] + ".txt")), "every reproducer keeps its description");
        var target = Enum.Parse<FuzzTarget>(name[..name.IndexOf('-')], ignoreCase: true);
        using var image = DiskImage.Open(RepoImages.PathOf("corpus/fuzz/" + name));
        using var mutant = new Mutant(image);
        var defaults = new FuzzOptions();
        long before = GC.GetAllocatedBytesForCurrentThread();
        FuzzTargets.Run(target, mutant);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= defaults.MemoryFactor * image.Length + defaults.MemoryAllowance, $"{allocated >> 20} MiB allocated");
    }
}
