namespace Ext4Codec.Live;

/// <summary>One run of a system program: its exit code (null when killed at its time limit) and what it printed.</summary>
public sealed record ToolRun(int? Exit, string Output, string Errors)
{
    public bool TimedOut => Exit is null;
}
