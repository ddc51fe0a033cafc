namespace Ext4Codec.Fuzzing;

/// <summary>What a fuzz campaign runs on each mutant: the code path behind the CLI verb of the same name.</summary>
public enum FuzzTarget
{
    /// <summary>The e2fsck -fn equivalent (FsckChecker): must never throw.</summary>
    Check,
    /// <summary>Superblock, descriptors and journal superblock reports (InfoReport, text and JSON).</summary>
    Info,
    /// <summary>Opening the journal and jbd2 recovery's scan.</summary>
    Journal,
    /// <summary>The journal scan, then the fast-commit area scan.</summary>
    Fc,
    /// <summary>jbd2 replay then fast-commit replay, into a private copy.</summary>
    Replay,
    /// <summary>Every reader's verdict (CompatReport): access, its fast-commit scan and replay, the whiteouts it keeps.</summary>
    Compat,
}
