namespace Ext4Codec.Fuzzing;

/// <summary>One mutant of a disagreement class: where it came from, the mutation, and what each side said first (exit code, first problem or message).</summary>
public sealed record DisagreementExample(string Seed, long Iteration, string Mutation, int OurExit, string OurFirst, int TheirExit, string TheirFirst);
