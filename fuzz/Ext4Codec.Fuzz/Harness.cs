using System;
using System.Collections.Generic;
using System.IO;
using Ext4Codec.Fuzzing;
using Ext4Codec.Imaging;

namespace Ext4Codec.Fuzz;

/// <summary>
/// Runs one engine input through a target. Raw mode: the bytes are the image. Structured mode: the bytes choose a
/// seed and drive <see cref="ImageMutator"/> (see <see cref="StructuredInput"/>). Exceptions that
/// <see cref="FuzzTargets.Run"/> lets escape are findings and are left to escape to the engine.
/// </summary>
internal sealed class Harness(FuzzTarget target, IReadOnlyList<FuzzSeed>? seeds)
{
    public FuzzTarget Target { get; } = target;

    /// <summary>Null in raw mode.</summary>
    public IReadOnlyList<FuzzSeed>? Seeds { get; } = seeds;

    /// <summary>Runs <paramref name="input"/>; in structured mode <paramref name="chain"/>, when given, receives the seed's name and the mutations applied.</summary>
    public void Run(ReadOnlySpan<byte> input, List<string>? chain = null)
    {
        if (Seeds is null)
        {
            // The parsers must be total: no minimum length, an empty input is an empty image.
            using var image = DiskImage.FromStream(new MemoryStream(input.ToArray(), writable: false), "<input>");
            using var mutant = new Mutant(image);
            FuzzTargets.Run(Target, mutant);
            return;
        }
        var choice = StructuredInput.Decode(input, Seeds.Count);
        var seed = Seeds[choice.SeedIndex];
        chain?.Add($"seed {choice.SeedIndex}: {seed.Name}, generator 0x{choice.RandomSeed:X16}, depth {choice.Depth}");
        var rng = new FuzzRandom(choice.RandomSeed);
        using (var mutant = new Mutant(seed.Image))
        {
            for (int k = 0; k < choice.Depth; k++)
            {
                var mutation = ImageMutator.Create(seed.Map, mutant.Image, ref rng);
                if (mutation is null) continue;
                mutation.Apply(mutant, seed.Map);
                chain?.Add(mutation.Describe());
            }
            FuzzTargets.Run(Target, mutant);
        }
    }
}
