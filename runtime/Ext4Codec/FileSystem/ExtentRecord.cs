namespace Ext4Codec.FileSystem;

/// <summary>A run of a file's logical blocks mapped to consecutive physical blocks.</summary>
/// <param name="Logical">First logical block.</param>
/// <param name="Length">Blocks in the run.</param>
/// <param name="Physical">First physical block.</param>
/// <param name="Unwritten">Allocated but never written (reads as zeros): an extent with ee_len above 32768.</param>
public readonly record struct ExtentRecord(ulong Logical, uint Length, ulong Physical, bool Unwritten);
