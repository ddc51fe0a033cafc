namespace Ext4Codec.Live;

/// <summary>One prediction set beside what the live system did: corpus/compat/compat-*.tsv holds one per line.</summary>
/// <param name="Variant">The scenario variant (<see cref="Versioning.ScenarioVariant.Name"/>).</param>
/// <param name="Oracle">"mount", "e2fsck -fn", "e2fsck -fy", "replay+mount", "replay+e2fsck -fn".</param>
/// <param name="Reader">The profile the prediction was made with (linux_6_18, e2fsck_1_47_0).</param>
/// <param name="Detail">What the live system printed that explains the observation (kernel lines, e2fsck's key lines).</param>
public sealed record CompatCheckRow(string Variant, string Oracle, string Reader, string Predicted, string Observed, string Detail)
{
    public bool Agrees => Predicted == Observed;

    public const string Header = "variant\toracle\treader\tpredicted\tobserved\tagrees\tdetail";

    public string ToTsv() => string.Join('\t', Variant, Oracle, Reader, Predicted, Observed, Agrees ? "yes" : "NO", Detail.Replace('\t', ' ').Replace('\n', ' '));
}
