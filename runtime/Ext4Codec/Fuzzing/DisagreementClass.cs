using System.Collections.Generic;

namespace Ext4Codec.Fuzzing;

/// <summary>One kind of disagreement: a structure field, and what each side said about mutants of it.</summary>
public sealed class DisagreementClass(string key, string field, string ours, string theirs)
{
    public string Key { get; } = key;

    public string Field { get; } = field;

    /// <summary>Our verdict at the level compared (e.g. "errors", or a predicted mount outcome "fail:EUCLEAN").</summary>
    public string Ours { get; } = ours;

    /// <summary>The oracle's verdict at the same level.</summary>
    public string Theirs { get; } = theirs;

    public long Count { get; internal set; }

    public List<DisagreementExample> Examples { get; } = [];
}
