using System;

namespace Ext4Codec.Fuzzing;

/// <summary>A differential campaign's counters at one moment.</summary>
public sealed record DifferentialStats(long Mutants, long Agree, long Disagree, int Classes, TimeSpan Elapsed);
