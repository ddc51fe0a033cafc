namespace Ext4Codec.Fuzzing;

/// <summary>How one oracle's verdicts compared with ours so far: agreements, disagreements and their classes.</summary>
public sealed record OracleTally(long Agree, long Disagree, int Classes);
