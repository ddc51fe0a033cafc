using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ext4Codec.Fuzzing;
using Ext4Codec.Imaging;
using Ext4Codec.Tests.Corpus;
using Xunit;
using Xunit.Abstractions;

namespace Ext4Codec.Tests.Fuzzing;

/// <summary>
/// CI's short deterministic campaign: 4,000 mutants per target (about 34,000 mutations over the five
/// targets) of the kernel-written images in corpus/, a fixed campaign seed, and no finding allowed. And the
/// campaign is deterministic: the same seed gives the same mutants whatever the number of workers.
/// </summary>
public class CampaignTests(ITestOutputHelper output)
{
    private const ulong CampaignSeed = 0xE474C0DEC;

    [Theory]
    [InlineData(FuzzTarget.Check)]
    [InlineData(FuzzTarget.Info)]
    [InlineData(FuzzTarget.Journal)]
    [InlineData(FuzzTarget.Fc)]
    [InlineData(FuzzTarget.Replay)]
    [InlineData(FuzzTarget.Compat)]
    public void Short_deterministic_campaign_finds_nothing(FuzzTarget target)
    {
        var seeds = LoadSeeds();
        try
        {
            var campaign = new FuzzCampaign(seeds, new FuzzOptions { Target = target, Iterations = 4000, Seed = CampaignSeed, Jobs = 2 });
            var findings = campaign.Run();
            var s = campaign.Snapshot();
            output.WriteLine($"{target}: {s.Execs} mutants, {s.Mutations} mutations ({s.Resealed} resealed), {s.ExecsPerSecond:F0}/s, structures {s.StructuresCovered}/{s.StructuresAvailable}, fields {s.FieldsCovered}/{s.FieldsAvailable}");
            foreach (var f in findings)
                output.WriteLine($"{f.Kind} {f.Signature}\n  {string.Join("\n  ", f.Chain.Select(m => m.Describe()))}\n{f.Message}");
            Assert.Empty(findings);
            Assert.Equal(4000, s.Execs);
            Assert.Equal(s.StructuresAvailable, s.StructuresCovered);
            Assert.True(s.Resealed > s.Mutations / 2, "most mutations of these checksummed images should be resealed");
        }
        finally
        {
            foreach (var seed in seeds) seed.Dispose();
        }
    }

    [Fact]
    public void Mutants_depend_on_the_campaign_seed_not_on_the_workers()
    {
        var seeds = LoadSeeds();
        try
        {
            string Run(int jobs, ulong seed)
            {
                var campaign = new FuzzCampaign(seeds, new FuzzOptions { Target = FuzzTarget.Journal, Iterations = 300, Seed = seed, Jobs = jobs });
                campaign.Run();
                var s = campaign.Snapshot();
                return $"{s.Mutations}/{s.Resealed}/{s.FieldsCovered}";
            }
            Assert.Equal(Run(1, 42), Run(2, 42));
            Assert.NotEqual(Run(1, 42), Run(1, 43));
            // Mutant by mutant: the same iteration describes and writes the same mutation.
            for (long i = 0; i < 100; i++)
            {
                var seed = seeds[(int)(i % seeds.Count)];
                Assert.Equal(Describe(seed, i), Describe(seed, i));
            }
        }
        finally
        {
            foreach (var seed in seeds) seed.Dispose();
        }
    }

    private static string Describe(FuzzSeed seed, long iteration)
    {
        var rng = FuzzRandom.ForIteration(CampaignSeed, iteration);
        using var mutant = new Mutant(seed.Image);
        var m = ImageMutator.Create(seed.Map, mutant.Image, ref rng);
        if (m is null) return "(none)";
        m.Apply(mutant, seed.Map);
        return m.Describe() + " " + Convert.ToHexString(m.NewBytes) + " @" + m.Offset;
    }

    /// <summary>
    /// The demo image and corpus/kernel and corpus/fc images (the kernel wrote all of them) and corpus/compat (the
    /// scenario's base, the kernel's crashed run of it, and variants the fast-commit writer made under each proposal).
    /// </summary>
    private static List<FuzzSeed> LoadSeeds()
    {
        var paths = new List<string> { RepoImages.PathOf("corpus/images/demo-ext4.img.gz") };
        foreach (string dir in new[] { "corpus/kernel", "corpus/fc", "corpus/compat" })
            paths.AddRange(Directory.GetFiles(RepoImages.PathOf(dir), "*.img.gz").Order(StringComparer.Ordinal));
        return paths.Select(p => new FuzzSeed(Path.GetRelativePath(RepoImages.Root, p), DiskImage.Open(p))).ToList();
    }
}
