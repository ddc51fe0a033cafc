using System;

namespace Ext4Codec.Fuzzing;

/// <summary>A differential campaign's counters at one moment: mutants run, and per oracle how many verdicts agreed.</summary>
public sealed record DifferentialStats(long Mutants, OracleTally E2fsck, OracleTally? Kernel, TimeSpan Elapsed);
