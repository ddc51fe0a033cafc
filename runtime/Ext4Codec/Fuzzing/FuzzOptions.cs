using System;

namespace Ext4Codec.Fuzzing;

public sealed class FuzzOptions
{
    public FuzzTarget Target { get; init; } = FuzzTarget.Check;

    /// <summary>Mutants to run (0: until <see cref="Duration"/> ends).</summary>
    public long Iterations { get; init; }

    /// <summary>How long to run when <see cref="Iterations"/> is 0.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The campaign seed: with the seeds and options it fixes every mutant.</summary>
    public ulong Seed { get; init; }

    /// <summary>Worker threads. Mutants depend only on the campaign seed and their iteration number, not on the worker.</summary>
    public int Jobs { get; init; } = 1;

    /// <summary>Most mutations stacked on one mutant (half the mutants get exactly one).</summary>
    public int MaxStack { get; init; } = 4;

    /// <summary>A run slower than this (confirmed by a second run) is a finding.</summary>
    public TimeSpan SlowRun { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A run still going after this long is a hang: the campaign stops and abandons its thread.</summary>
    public TimeSpan HangLimit { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Bytes a run may allocate: this many times the image's size, plus <see cref="MemoryAllowance"/>.</summary>
    public int MemoryFactor { get; init; } = 16;

    public long MemoryAllowance { get; init; } = 64L << 20;

    /// <summary>Where reproducers are written (none when null).</summary>
    public string? OutputDirectory { get; init; }
}
