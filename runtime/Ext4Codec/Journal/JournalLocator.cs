using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Journal;

/// <summary>Finds the journal superblock: block 0 of the journal inode, or the block after the superblock on a journal device.</summary>
public static class JournalLocator
{
    /// <exception cref="CorruptDataException">The journal inode or its block map is malformed.</exception>
    public static JournalLocation Locate(Ext4FileSystem fs)
    {
        var g = fs.Geometry;
        if (g.Has(Ext4FeatureIncompat.INCOMPAT_JOURNAL_DEV))
            return new JournalLocation(JournalKind.Device, (long)(g.FirstDataBlock + 1) * g.BlockSize, 0);
        if (!g.Has(Ext4FeatureCompat.COMPAT_HAS_JOURNAL)) return new JournalLocation(JournalKind.None, -1, 0);
        uint ino = fs.SuperBlock.s_journal_inum;
        if (ino == 0) return new JournalLocation(JournalKind.External, -1, 0);
        var inode = fs.ReadInode(ino);
        ulong? block = BlockMapper.Map(fs, inode, ino, 0);
        if (block is null)
            throw new Corruption("ext4_inode", "i_block", fs.InodeOffset(ino) + InodeLayout.Offsets.i_block, $"journal inode {ino} has no block 0").ToException();
        return new JournalLocation(JournalKind.Internal, (long)block.Value * g.BlockSize, ino);
    }

    /// <summary>The journal superblock, or false when the image holds none (no journal, external journal).</summary>
    /// <exception cref="CorruptDataException">The journal superblock lies beyond the image.</exception>
    public static bool TryReadSuperblock(Ext4FileSystem fs, JournalLocation location, out JournalSuperblockView jsb)
    {
        jsb = default;
        if (location.SuperblockOffset < 0) return false;
        jsb = new JournalSuperblockView(fs.Image.Read(location.SuperblockOffset, JournalSuperblockView.Size, "journal_superblock_s"));
        return true;
    }
}
