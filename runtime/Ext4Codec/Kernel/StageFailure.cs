namespace Ext4Codec.Kernel;

/// <summary>A failed kernel step, its line already printed: the check that failed, its errno and that line.</summary>
internal readonly record struct StageFailure(string CheckId, string Errno, string Line);
