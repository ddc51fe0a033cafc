using System.Buffers.Binary;
using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Kernel;

/// <summary>
/// The orphan file and orphan list at mount (fs/ext4/orphan.c ext4_init_orphan_info and ext4_orphan_cleanup,
/// fs/ext4/super.c ext4_mark_recovery_complete).
/// </summary>
internal static class OrphanStage
{
    private const uint OrphanBlockMagic = 0x0B10CA04;

    /// <summary>ext4_init_orphan_info: the orphan inode, its size, and every block's magic and checksum.</summary>
    public static bool InitOrphanInfo(SbInfo sbi, MountLog log)
    {
        var state = sbi.s_orphan_info;
        if (!sbi.Has(Ext4FeatureCompat.COMPAT_ORPHAN_FILE)) return true;
        uint ino = sbi.es.s_orphan_file_inum;
        var r = KernelIget.Special(sbi, log, ino);
        if (r.Inode is not { } inode)
        {
            log.Add("get orphan inode failed");
            return Failed(log, r.Failure.CheckId, r.Failure.Errno, r.Failure.Line, printed: true);
        }
        if ((ulong)inode.i_size > (ulong)sbi.Profile.OrphanFileMaxBlocks << sbi.s_blocksize_bits)
            return Failed(log, "K_ORPHAN_FILE_TOO_BIG", Errno.EUCLEAN, "orphan file too big: " + MountLog.D(inode.i_size));
        state.Blocks = (ulong)inode.i_size >> sbi.s_blocksize_bits;
        if (state.Blocks == 0) return true;
        if (!Map(sbi, inode, out var map)) return Failed(log, "K_ORPHAN_FILE_READ", Errno.EUCLEAN, "mount failed", printed: true);
        int next = 0;
        int entries = (int)(sbi.s_blocksize - OrphanBlockTailView.Size) / 4;
        for (ulong i = 0; i < state.Blocks; i++)
        {
            // ext4_bread: a hole gives no buffer (EIO); a mapped block must pass check_block_validity.
            while (next < map.Count && map[next].Logical + map[next].Length <= i) next++;
            if (next >= map.Count || map[next].Logical > i) return Failed(log, "K_ORPHAN_FILE_READ", Errno.EIO, "mount failed", printed: true);
            ulong block = map[next].Physical + (i - map[next].Logical);
            if (!sbi.InodeBlockValid(ino, block, 1))
            {
                string line = MountLog.InodeError(ino, block, "lblock " + MountLog.U(i) + " mapped to illegal pblock " + MountLog.U(block) + " (length 1)");
                sbi.Ext4Error(log, line);
                return Failed(log, "K_ORPHAN_FILE_READ", Errno.EUCLEAN, line, printed: true);
            }
            if (!sbi.Disk.TryReadBlock(block, sbi.s_blocksize, out var data)) return Failed(log, "K_ORPHAN_FILE_READ", Errno.EIO, "mount failed", printed: true);
            var ob = new OrphanBlockView(data);
            if (ob.ob_tail.ob_magic != OrphanBlockMagic)
                return Ext4ErrorFailed(sbi, log, "K_ORPHAN_FILE_BAD_MAGIC", "orphan file block " + MountLog.U(i) + ": bad magic");
            if (sbi.MetadataCsum && !ob.VerifyCsum(inode.i_csum_seed, block))
                return Ext4ErrorFailed(sbi, log, "K_ORPHAN_FILE_BAD_CSUM", "orphan file block " + MountLog.U(i) + ": bad checksum");
            for (int j = 0; j < entries; j++)
                if (BinaryPrimitives.ReadUInt32LittleEndian(data[(j * 4)..]) != 0) state.Entries++;
        }
        return true;
    }

    /// <summary>
    /// ext4_orphan_cleanup, as far as it decides anything: whether the orphans are processed or left (unknown
    /// ro_compat features, errors on the filesystem). The deleted and truncated counts it prints are not modelled.
    /// </summary>
    public static void Cleanup(SbInfo sbi, MountLog log)
    {
        var state = sbi.s_orphan_info;
        if (sbi.es.s_last_orphan == 0 && state.Blocks == 0) return;
        if (FeatureCheck.FeatureSetOk(sbi, log, readOnly: false, out _).Length != 0)
        {
            log.Add("Skipping orphan cleanup due to unknown ROCOMPAT features");
            state.CleanupSkipped = true;
            return;
        }
        if ((sbi.s_mount_state & Ext4State.ERROR_FS) != 0)
        {
            if (sbi.es.s_last_orphan != 0 && !sbi.ReadOnly) log.Add("Errors on filesystem, clearing orphan list.");
            state.CleanupSkipped = true;
            return;
        }
        if (sbi.ReadOnly) log.Add("orphan cleanup on readonly fs");
    }

    /// <summary>
    /// "recovery complete", then ext4_mark_recovery_complete: a read-only mount that still needs recovery refuses
    /// when the orphan file keeps entries (cleanup was skipped; the model takes a cleanup that ran to empty it).
    /// </summary>
    public static bool MarkRecoveryComplete(SbInfo sbi, MountLog log)
    {
        var state = sbi.s_orphan_info;
        log.Add("recovery complete");
        bool flagged = sbi.Has(Ext4FeatureIncompat.INCOMPAT_RECOVER) || sbi.Has(Ext4FeatureRoCompat.RO_COMPAT_ORPHAN_PRESENT);
        if (sbi.ReadOnly && flagged && state.CleanupSkipped && state.Entries > 0)
            return Ext4ErrorFailed(sbi, log, "K_ORPHAN_FILE_NOT_EMPTY_RO", "Orphan file not empty on read-only fs.", Errno.EUCLEAN);
        return true;
    }

    private static bool Map(SbInfo sbi, KernelInode inode, out List<ExtentRecord> map)
    {
        map = [];
        if (inode.HasInlineData) return true;
        if (sbi.Context.FileSystem is not { } fs || !sbi.Disk.TryRead(inode.Offset, (int)sbi.s_inode_size, out var raw)) return true;
        try
        {
            map = MapCollector.Collect(fs, inode.Ino, new InodeView(raw)).Extents;
            return true;
        }
        catch (CorruptDataException)
        {
            sbi.Context.Note("the orphan file's block map is malformed: the model refuses with EUCLEAN (the kernel prints its own extent or block error)");
            return false;
        }
    }

    private static bool Ext4ErrorFailed(SbInfo sbi, MountLog log, string checkId, string text, string errno = Errno.EIO)
    {
        string line = MountLog.Error(text);
        sbi.Ext4Error(log, line);
        return Failed(log, checkId, errno, line, printed: true);
    }

    private static bool Failed(MountLog log, string checkId, string errno, string line, bool printed = false)
    {
        if (!printed) log.Add(line);
        log.Add("mount failed");
        return log.Refuse(checkId, errno, line);
    }
}
