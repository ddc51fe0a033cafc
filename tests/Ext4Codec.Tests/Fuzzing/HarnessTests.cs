using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ext4Codec.Fuzz;
using Ext4Codec.Fuzzing;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Fuzzing;

/// <summary>
/// The SharpFuzz harness that AFL++ and libFuzzer drive (fuzz/Ext4Codec.Fuzz), run here without an engine: the
/// structured-mode input layout, the starting inputs it writes, and raw-mode runs of the regression reproducers.
/// </summary>
public sealed class HarnessTests
{
    [Fact]
    public void Structured_input_layout_is_the_documented_one()
    {
        // Byte 0 and byte 10 hold the seed index (low, high), bytes 1..8 the generator seed (LE), byte 9 the depth - 1.
        byte[] bytes = [0x2C, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x05, 0x01];
        var decoded = StructuredInput.Decode(bytes, seedCount: 400);
        Assert.Equal(0x012C, decoded.SeedIndex);
        Assert.Equal(0x0807060504030201UL, decoded.RandomSeed);
        Assert.Equal(6, decoded.Depth);
        Assert.Equal(bytes, decoded.Encode());
        // Every byte string is an input: empty means seed 0, generator 0, one mutation; the index wraps.
        Assert.Equal(new StructuredInput(0, 0, 1), StructuredInput.Decode([], 5));
        Assert.Equal(7 % 5, StructuredInput.Decode([7], 5).SeedIndex);
    }

    [Fact]
    public void Starting_inputs_run_every_target_over_the_kernel_images()
    {
        var seeds = SeedLoader.Load([RepoImages.PathOf("corpus/kernel")], TextWriter.Null, "test");
        string dir = Directory.CreateTempSubdirectory("harness-inputs-").FullName;
        try
        {
            Assert.NotEmpty(seeds);
            var listing = new StringWriter();
            InputWriter.Write(seeds, dir, listing);
            var inputs = Directory.GetFiles(dir).Order(StringComparer.Ordinal).ToList();
            Assert.True(inputs.Count >= seeds.Count, "at least one starting input per seed");
            Assert.Contains(seeds[^1].Name, listing.ToString(), StringComparison.Ordinal);
            foreach (FuzzTarget target in Enum.GetValues<FuzzTarget>())
            {
                var harness = new Harness(target, seeds);
                int mutated = 0;
                foreach (string input in inputs)
                {
                    var chain = new List<string>();
                    harness.Run(File.ReadAllBytes(input), chain);
                    Assert.StartsWith("seed ", chain[0], StringComparison.Ordinal);
                    if (chain.Count > 1) mutated++;
                }
                // A seed whose structures the locator finds always yields a mutation.
                Assert.True(mutated == inputs.Count, $"{target}: {mutated} of {inputs.Count} inputs applied a mutation");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
            foreach (var s in seeds) s.Dispose();
        }
    }

    [Fact]
    public void Raw_mode_runs_the_regression_reproducers_and_hostile_bytes()
    {
        var inputs = Directory.GetFiles(RepoImages.PathOf("corpus/fuzz"), "*.img.gz").Select(RepoImages.Decompress).ToList();
        inputs.Add([]);
        inputs.Add(new byte[3000]);
        foreach (FuzzTarget target in Enum.GetValues<FuzzTarget>())
        {
            var harness = new Harness(target, null);
            foreach (byte[] input in inputs) harness.Run(input);
        }
    }
}
