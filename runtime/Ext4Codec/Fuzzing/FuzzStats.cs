using System;

namespace Ext4Codec.Fuzzing;

/// <summary>A campaign's counters at one moment, for the progress display and the final report.</summary>
public sealed record FuzzStats(
    long Execs,
    long Mutations,
    long Resealed,
    int Findings,
    long FindingRuns,
    TimeSpan Elapsed,
    int StructuresCovered,
    int StructuresAvailable,
    int FieldsCovered,
    int FieldsAvailable,
    double SlowestMilliseconds)
{
    public double ExecsPerSecond => Elapsed.TotalSeconds > 0 ? Execs / Elapsed.TotalSeconds : 0;
}
