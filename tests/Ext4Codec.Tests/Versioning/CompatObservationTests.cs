using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ext4Codec.Live;
using Ext4Codec.Versioning;
using Xunit;
using Xunit.Abstractions;

namespace Ext4Codec.Tests.Versioning;

/// <summary>
/// The compat predictions against what the live kernel and e2fsck did, as corpus/make-compat-images.sh recorded it
/// (corpus/compat/observations.tsv): every scenario variant the writer makes today is the image that was observed,
/// and every prediction made now, with the profiles that describe the recorded kernel and e2fsck, is what they did.
/// Needs no root: the observations are data (CompatLiveTests asks the live system again).
/// </summary>
public sealed class CompatObservationTests(ITestOutputHelper output)
{
    [Fact]
    public void The_writer_still_writes_the_observed_variants()
    {
        var hashes = CompatCorpus.VariantHashes();
        string folder = Directory.CreateTempSubdirectory("compat-variants-").FullName;
        try
        {
            var names = new List<string>();
            foreach (var variant in ScenarioVariant.All())
            {
                names.Add(variant.Name);
                string path = CompatCorpus.WriteVariant(variant, folder);
                Assert.True(hashes.TryGetValue(variant.Name, out string? recorded), variant.Name + " was never observed: rerun corpus/make-compat-images.sh");
                Assert.True(recorded == CompatCorpus.Sha256(path), variant.Name + " differs from the image observed live: rerun corpus/make-compat-images.sh");
                File.Delete(path);
            }
            Assert.Equal(hashes.Keys.Order(), names.Order());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Predictions_equal_what_the_live_kernel_and_e2fsck_did()
    {
        var (recorded, kernelRelease, e2fsckVersion) = CompatCorpus.Observations();
        var kernel = ReaderRules.Describing("kernel", kernelRelease);
        var checker = ReaderRules.Describing("checker", e2fsckVersion);
        Assert.NotNull(kernel);
        Assert.NotNull(checker);
        string folder = Directory.CreateTempSubdirectory("compat-predict-").FullName;
        try
        {
            var verification = new CompatVerification(kernel, checker, null, folder);
            var predicted = new List<CompatCheckRow>();
            predicted.AddRange(verification.Verify(CompatCorpus.Plain(CompatCorpus.BaseImage, folder), "base", null, CompatCorpus.Upper));
            predicted.AddRange(verification.Verify(CompatCorpus.Plain(CompatCorpus.KernelToday, folder), "kernel-today", null, CompatCorpus.Upper));
            foreach (var variant in ScenarioVariant.All())
                predicted.AddRange(verification.Verify(CompatCorpus.WriteVariant(variant, folder), variant.Name, variant.Proposal, CompatCorpus.Upper));

            int disagree = 0;
            foreach (var row in predicted)
            {
                Assert.True(recorded.TryGetValue((row.Variant, row.Oracle), out var seen), $"{row.Variant} {row.Oracle} was not observed: rerun corpus/make-compat-images.sh");
                if (row.Predicted == seen.Observed) continue;
                disagree++;
                output.WriteLine($"{row.Variant} {row.Oracle}: predicted {row.Predicted}, observed {seen.Observed} ({seen.Detail})");
            }
            Assert.Equal(recorded.Count, predicted.Count);
            Assert.Equal(0, disagree);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The claims the observations must carry, read from the live side only: this project's replay of a gated CREAT_DEV
    /// leaves an image e2fsck finds clean and the kernel mounts with the whiteouts b and c in /upper, which hide the
    /// lower b and c under real overlayfs; today's kernel makes the same scenario through full commits.
    /// </summary>
    [Theory]
    [InlineData("fc_feature-gated-first")]
    [InlineData("fc_feature-gated-later")]
    [InlineData("sb_incompat-gated-first")]
    [InlineData("sb_incompat-gated-later")]
    public void Replayed_creat_dev_is_clean_and_hides_the_lower_files(string variant)
    {
        var (rows, _, _) = CompatCorpus.Observations();
        Assert.Equal("ok:rw whiteouts=b,c hidden=b,c", rows[(variant, "replay+mount")].Observed);
        Assert.Equal("exit 0", rows[(variant, "replay+e2fsck -fn")].Observed);
        Assert.Equal("ok:rw whiteouts=b,c hidden=b,c", rows[("kernel-today", "mount")].Observed);
        Assert.Contains("/upper/b=c0:0 /upper/c=c0:0", rows[(variant, "replay+mount tree")].Observed);
    }

    /// <summary>What each gate costs with the readers that exist, as observed: the facts docs/compat.md builds on.</summary>
    [Fact]
    public void Observed_gates_behave_as_the_proposals_say()
    {
        var (rows, _, _) = CompatCorpus.Observations();
        // fc_feature: the kernel refuses the pending log; e2fsck -fy discards it, losing the whiteouts.
        Assert.Equal("fail:EOPNOTSUPP said: JBD2: journal recovery failed", rows[("fc_feature-gated-later", "mount")].Observed);
        Assert.Equal("checks journal=failed:EOPNOTSUPP whiteouts=-", rows[("fc_feature-gated-later", "e2fsck -fy")].Observed);
        // sb_incompat: refused by both, before the journal.
        Assert.Equal("fail:EINVAL said: Couldn't mount because of unsupported optional features (80000)", rows[("sb_incompat-gated-later", "mount")].Observed);
        Assert.Equal("refused journal=none", rows[("sb_incompat-gated-later", "e2fsck -fy")].Observed);
        // No gate: a later commit's CREAT_DEV is dropped without a word, with everything after it.
        Assert.Equal("ok:rw whiteouts=- hidden=-", rows[("CREAT_DEV-ungated-later", "mount")].Observed);
        Assert.StartsWith("fail:ECANCELED", rows[("CREAT_DEV-ungated-first", "mount")].Observed);
        // static_whiteout: today's kernel replays the LINKs; e2fsck refuses the unknown COMPAT bit after recovery.
        Assert.Equal("ok:rw whiteouts=b,c hidden=b,c", rows[("static_whiteout-later", "mount")].Observed);
        Assert.Equal("refused journal=recovered", rows[("static_whiteout-later", "e2fsck -fy")].Observed);
    }
}
