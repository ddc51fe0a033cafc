namespace Ext4Codec.Reports;

/// <summary>One line of a listing: a label as dumpe2fs prints it (with its colon) and the value.</summary>
public readonly record struct ReportField(string Label, string Value)
{
    /// <summary>The line as dumpe2fs lays it out: the label padded to 26 columns.</summary>
    public override string ToString() => Label.PadRight(26) + Value;
}
