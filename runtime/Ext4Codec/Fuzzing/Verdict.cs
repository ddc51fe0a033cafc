namespace Ext4Codec.Fuzzing;

/// <summary>What an e2fsck -n style exit code says, coarsely: the level the differential mode compares at.</summary>
public enum Verdict
{
    /// <summary>Exit 0.</summary>
    Clean,
    /// <summary>Exit 4 (or 1, 2): errors found.</summary>
    Errors,
    /// <summary>Exit 8 with any other bit: the check could not finish.</summary>
    Operational,
    /// <summary>e2fsck died on a signal (exit 128 + n) or was killed after its timeout.</summary>
    Crashed,
}
