using Ext4Codec.FastCommit;
using Ext4Codec.Format;
using Ext4Codec.Journal;

namespace Ext4Codec.Kernel;

/// <summary>
/// jbd2 recovery of a loaded journal, computed once per image with the runtime's journal code: the scan, revoke
/// and replay passes (JournalScanner) and, when the journal has fast commits, ext4_fc_replay_scan (FcScanner).
/// </summary>
internal sealed class JournalRun
{
    /// <summary>Null when the journal's blocks cannot be mapped (a malformed block map the reader refuses).</summary>
    public JournalRecovery? Recovery { get; private init; }

    /// <summary>The fast-commit scan, when the journal has fast commits and the log passes succeeded.</summary>
    public FcScan? FastCommit { get; private init; }

    /// <param name="sbIncompat">s_feature_incompat, for fast-commit tags a proposal gates on a superblock bit.</param>
    public static JournalRun Compute(MountContext context, LoadedJournal journal, uint inodeSize, uint sbIncompat)
    {
        var store = OpenStore(context, journal);
        if (store is null) return new JournalRun();
        var recovery = JournalScanner.Recover(store, journal.Geometry);
        FcScan? fc = null;
        if (journal.Geometry.HasFastCommit && recovery.NeedsRecovery && recovery.Error is null)
            fc = FcScanner.Scan(store, recovery, (uint)journal.NumFcBlocks, inodeSize, context.Profile.FastCommit, sbIncompat);
        return new JournalRun { Recovery = recovery, FastCommit = fc };
    }

    private static JournalStore? OpenStore(MountContext context, LoadedJournal journal)
    {
        int blockSize = journal.Geometry.BlockSize;
        if (journal.Location.Kind == JournalKind.Device)
            return context.ExternalJournal is { } device ? JournalStore.OnDevice(device.Image, blockSize, journal.Location.SuperblockOffset) : null;
        if (context.FileSystem is not { } fs) return null;
        try
        {
            return JournalStore.Open(fs, journal.Location);
        }
        catch (CorruptDataException)
        {
            context.Note("the journal inode's block map is malformed beyond block 0: recovery is modelled as failing to read the log");
            return null;
        }
    }
}
