using System.Collections.Generic;

namespace Ext4Codec.Fuzzing;

/// <summary>One kind of disagreement: a structure field, and what each side said about mutants of it.</summary>
public sealed class DisagreementClass(string key, string field, Verdict ours, Verdict theirs)
{
    public string Key { get; } = key;

    public string Field { get; } = field;

    public Verdict Ours { get; } = ours;

    public Verdict Theirs { get; } = theirs;

    public long Count { get; internal set; }

    public List<DisagreementExample> Examples { get; } = [];
}
