namespace Ext4Codec.Cli;

/// <summary>Exit codes as e2fsck -n uses them.</summary>
public static class ExitCodes
{
    public const int Clean = 0;
    public const int ErrorsLeft = 4;
    public const int OperationalError = 8;
}
