using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Journal;

/// <summary>A filesystem's jbd2 journal, opened the way jbd2_journal_load checks it: located, superblock valid, long enough.</summary>
public sealed class Jbd2Journal
{
    private Jbd2Journal(JournalLocation location, JournalGeometry geometry, JournalStore store, uint numFcBlocks)
    {
        Location = location;
        Geometry = geometry;
        Store = store;
        NumFcBlocks = numFcBlocks;
    }

    public JournalLocation Location { get; }

    public JournalGeometry Geometry { get; }

    public JournalStore Store { get; }

    /// <summary>s_num_fc_blks as stored (0 means the default 256).</summary>
    public uint NumFcBlocks { get; }

    /// <summary>Opens the journal, or says why it cannot be (no journal here, or the kernel's refusal message).</summary>
    /// <exception cref="CorruptDataException">The journal inode or its block map is malformed.</exception>
    public static bool TryOpen(Ext4FileSystem fs, out Jbd2Journal journal, out string problem)
    {
        journal = null!;
        var location = JournalLocator.Locate(fs);
        switch (location.Kind)
        {
            case JournalKind.None:
                problem = "the filesystem has no journal (has_journal is not set)";
                return false;
            case JournalKind.External:
                problem = "the journal is on an external device, not in this image";
                return false;
        }
        if (!fs.Image.TryRead(location.SuperblockOffset, JournalSuperblockView.Size, out var bytes))
        {
            problem = "JBD2: no valid journal superblock found (it lies past the end of the image)";
            return false;
        }
        var jsb = new JournalSuperblockView(bytes);
        if (!JournalGeometry.TryRead(jsb, fs.Geometry.BlockSize, out var geometry, out problem)) return false;
        var store = JournalStore.Open(fs, location);
        // jbd2_journal_init_inode: j_total_len = i_size >> blocksize bits; a journal device is as long as the image.
        ulong total = location.Kind == JournalKind.Internal ? fs.ReadInode(location.Inode).i_size / fs.Geometry.BlockSize : store.MappedBlocks;
        if (geometry.MaxLen > total)
        {
            problem = "JBD2: journal file too short";
            return false;
        }
        journal = new Jbd2Journal(location, geometry, store, jsb.s_num_fc_blks);
        problem = "";
        return true;
    }
}
