namespace Ext4Codec.Fuzzing;

/// <summary>
/// SplitMix64: a tiny, fast generator whose sequence is fixed by its seed on every runtime and platform, so a
/// campaign seed and an iteration number name one mutant forever (System.Random's algorithm may change).
/// </summary>
public struct FuzzRandom
{
    private ulong _state;

    public FuzzRandom(ulong seed) => _state = seed;

    /// <summary>The generator for iteration <paramref name="iteration"/> of the campaign seeded with <paramref name="campaignSeed"/>: independent of which worker runs it.</summary>
    public static FuzzRandom ForIteration(ulong campaignSeed, long iteration)
    {
        var mix = new FuzzRandom(campaignSeed ^ ((ulong)iteration * 0xD1B54A32D192ED03UL));
        return new FuzzRandom(mix.NextULong());
    }

    public ulong NextULong()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, <paramref name="bound"/>); 0 when the bound is not positive.</summary>
    public int Next(int bound) => bound <= 0 ? 0 : (int)(NextULong() % (ulong)bound);

    /// <summary>Uniform in [0, <paramref name="bound"/>).</summary>
    public ulong NextULong(ulong bound) => bound == 0 ? 0 : NextULong() % bound;

    /// <summary>True once in <paramref name="n"/> calls on average.</summary>
    public bool OneIn(int n) => Next(n) == 0;
}
