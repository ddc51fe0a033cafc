using System.IO;
using System.Linq;
using Ext4Codec.Checking;
using Ext4Codec.Imaging;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Checking;

/// <summary>Images the kernel wrote and unmounted cleanly (corpus/kernel, the demo image): e2fsck -fn finds them clean, so must check.</summary>
public sealed class FsckCleanImageTests
{
    [SkippableTheory]
    [MemberData(nameof(RepoImages.All), MemberType = typeof(RepoImages))]
    public void Kernel_written_images_are_clean(string relative)
    {
        Skip.If(!File.Exists(RepoImages.PathOf(relative)), relative + " is missing");
        using var extracted = RepoImages.Extract(relative);
        using var image = DiskImage.Open(extracted.Path);
        var result = FsckChecker.Check(image);
        Assert.True(result.ExitCode == 0, string.Join("\n", result.Findings.Select(f => $"{f.Code}: {f.Message}")) + result.AbortReason);
        Assert.Equal(5, result.LastPass);
        Assert.DoesNotContain(result.Findings, f => f.CountsAsError);
    }
}
