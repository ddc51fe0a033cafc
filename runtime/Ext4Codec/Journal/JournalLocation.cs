namespace Ext4Codec.Journal;

public enum JournalKind
{
    /// <summary>No has_journal feature.</summary>
    None,
    /// <summary>A journal inode inside the filesystem (normally inode 8).</summary>
    Internal,
    /// <summary>An external journal device, identified by s_journal_uuid / s_journal_dev; not in this image.</summary>
    External,
    /// <summary>This image is itself an external journal device (journal_dev).</summary>
    Device,
}

/// <summary>Where the journal superblock is; <see cref="SuperblockOffset"/> is -1 when it is not in this image.</summary>
public sealed record JournalLocation(JournalKind Kind, long SuperblockOffset, uint Inode);
