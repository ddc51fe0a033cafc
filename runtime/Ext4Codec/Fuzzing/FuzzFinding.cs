using System.Collections.Generic;

namespace Ext4Codec.Fuzzing;

/// <summary>A distinct problem a campaign met: the first mutant that showed it, and how often it recurred.</summary>
public sealed class FuzzFinding
{
    public FuzzFinding(FindingKind kind, string signature, string message, string seedName, long iteration, List<Mutation> chain)
    {
        Kind = kind;
        Signature = signature;
        Message = message;
        SeedName = seedName;
        Iteration = iteration;
        Chain = chain;
    }

    public FindingKind Kind { get; }

    /// <summary>What makes two findings the same: kind, exception type and the throwing frame (or the mutated field for slow runs).</summary>
    public string Signature { get; }

    /// <summary>The exception with its stack, or the time or memory measured.</summary>
    public string Message { get; }

    public string SeedName { get; }

    public long Iteration { get; }

    /// <summary>The mutations that reproduce it (minimised once the campaign ends).</summary>
    public List<Mutation> Chain { get; internal set; }

    /// <summary>Runs that showed it (the first included).</summary>
    public int Occurrences => OccurrencesField;

    internal int OccurrencesField = 1;

    /// <summary>The reproducer image written for it, when the campaign had an output folder.</summary>
    public string? ReproducerPath { get; internal set; }
}
