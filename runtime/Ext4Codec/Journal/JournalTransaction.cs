using System.Collections.Generic;
using Ext4Codec.Format;

namespace Ext4Codec.Journal;

/// <summary>What recovery does with one logged block.</summary>
public enum DataBlockFate
{
    /// <summary>Copied to its filesystem block.</summary>
    Replayed,
    /// <summary>Skipped: a revoke record in this or a later transaction names the block.</summary>
    Revoked,
    /// <summary>Skipped: the tag checksum does not match (recovery then fails with EFSBADCRC).</summary>
    BadChecksum,
    /// <summary>Skipped: the log block cannot be read (recovery then fails with EIO).</summary>
    Unreadable,
    /// <summary>Not replayed: the transaction is past the end of the valid log.</summary>
    NotReplayed,
}

/// <summary>One data block of a transaction: where it is in the log, where it goes, and what recovery does with it.</summary>
public sealed record JournalDataBlock(uint LogBlock, ulong FsBlock, JournalTagFlags Flags)
{
    public DataBlockFate Fate { get; internal set; } = DataBlockFate.NotReplayed;
}

/// <summary>How a transaction ends in the log.</summary>
public enum TransactionEnd
{
    /// <summary>A commit block with a good checksum (or none to check).</summary>
    Committed,
    /// <summary>A commit block whose checksum does not match.</summary>
    BadCommitChecksum,
    /// <summary>No commit block: the log ends inside the transaction.</summary>
    Incomplete,
}

/// <summary>A transaction as the log holds it, from its first descriptor or revoke block to its commit block.</summary>
public sealed class JournalTransaction(uint tid, uint firstLogBlock)
{
    public uint Tid { get; } = tid;

    public uint FirstLogBlock { get; } = firstLogBlock;

    /// <summary>Descriptor, revoke and commit blocks in log order: (log block, h_blocktype).</summary>
    public List<(uint LogBlock, JournalBlockType Type)> MetadataBlocks { get; } = [];

    public int DescriptorBlocks => CountOf(JournalBlockType.DESCRIPTOR_BLOCK);

    public int RevokeBlocks => CountOf(JournalBlockType.REVOKE_BLOCK);

    public List<JournalDataBlock> DataBlocks { get; } = [];

    /// <summary>Block numbers named by this transaction's revoke blocks.</summary>
    public List<ulong> Revokes { get; } = [];

    public TransactionEnd End { get; internal set; } = TransactionEnd.Incomplete;

    /// <summary>Log block of the commit block, or -1.</summary>
    public long CommitLogBlock { get; internal set; } = -1;

    public ulong CommitSec { get; internal set; }

    public uint CommitNsec { get; internal set; }

    private int CountOf(JournalBlockType type)
    {
        int n = 0;
        foreach (var b in MetadataBlocks) n += b.Type == type ? 1 : 0;
        return n;
    }

    /// <summary>Whether recovery replays this transaction (its tid is below the end of the valid log).</summary>
    public bool Replayed { get; internal set; }
}
