namespace Ext4Codec.Fuzzing;

/// <summary>One mutant of a disagreement class: where it came from, the mutation, and the first problem each side reported.</summary>
public sealed record DisagreementExample(string Seed, long Iteration, string Mutation, int OurExit, string OurFirst, int E2fsckExit, string E2fsckFirst);
