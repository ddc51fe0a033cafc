namespace Ext4Codec.Generator;

/// <summary>Names of the pipeline steps, so tests can assert which steps stayed cached.</summary>
public static class TrackingNames
{
    public const string Parse = nameof(Parse);
    public const string Bind = nameof(Bind);
    public const string Units = nameof(Units);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Target = nameof(Target);
}
