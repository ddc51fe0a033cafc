using System.Collections.Generic;
using System.IO;
using Ext4Codec.Fuzzing;

namespace Ext4Codec.Fuzz;

/// <summary>
/// Writes structured-mode starting inputs, for each seed a few generator seeds at depths 1 and 2, and prints the
/// seed each index names: a saved input means nothing without that list.
/// </summary>
internal static class InputWriter
{
    private const int PerSeed = 2;

    public static int Write(IReadOnlyList<FuzzSeed> seeds, string directory, TextWriter o)
    {
        Directory.CreateDirectory(directory);
        // Two bytes hold the seed index (StructuredInput), so seeds past 65536 would alias earlier ones.
        int count = System.Math.Min(seeds.Count, 1 << 16);
        for (int s = 0; s < count; s++)
        {
            o.WriteLine($"seed {s}: {seeds[s].Name}");
            for (int k = 0; k < PerSeed; k++)
            {
                var input = new StructuredInput(s, (ulong)(k + 1) * 0x9E3779B97F4A7C15UL, 1 + k % 2);
                File.WriteAllBytes(Path.Combine(directory, $"seed{s:D3}-{k}"), input.Encode());
            }
        }
        o.WriteLine($"# {count * PerSeed} inputs for {count} seeds in {directory}");
        return 0;
    }
}
