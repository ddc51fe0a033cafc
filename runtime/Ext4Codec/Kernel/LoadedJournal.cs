using Ext4Codec.Journal;

namespace Ext4Codec.Kernel;

/// <summary>A journal jbd2 has opened (journal_t): its checked superblock numbers and where its blocks are.</summary>
internal sealed class LoadedJournal
{
    public required JournalGeometry Geometry { get; init; }

    /// <summary>j_devname as jbd2 prints it: the filesystem device and the journal inode, or the journal device.</summary>
    public required string DevName { get; init; }

    /// <summary>s_errno: an error a previous mount recorded in the journal.</summary>
    public required int s_errno { get; init; }

    /// <summary>jbd2_journal_get_num_fc_blks.</summary>
    public required int NumFcBlocks { get; init; }

    /// <summary>The journal inode (internal journals), null for a journal device.</summary>
    public KernelInode? Inode { get; init; }

    /// <summary>Where the journal superblock lies: in this image (internal) or on the journal device.</summary>
    public required JournalLocation Location { get; init; }
}
