namespace Ext4Codec.Fuzzing;

public enum FindingKind
{
    /// <summary>An exception the target does not turn into a typed, located error.</summary>
    Exception,
    /// <summary>A run over the slow-run bound (1 s by default), confirmed by a second run.</summary>
    Slow,
    /// <summary>A run that never finished within the hang limit.</summary>
    Hang,
    /// <summary>A run that allocated more than the bound proportional to the image.</summary>
    Memory,
}
