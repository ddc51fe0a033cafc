using System;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Journal;

namespace Ext4Codec.Kernel;

/// <summary>
/// Opening the journal (fs/ext4/super.c ext4_open_inode_journal / ext4_open_dev_journal, fs/jbd2/journal.c
/// jbd2_journal_init_inode / jbd2_journal_init_dev): the journal inode or device, the block of the journal
/// superblock, and the superblock checks.
/// </summary>
internal static class JournalOpen
{
    /// <summary>ext4_get_journal_inode: the inode, which must be in use, regular and not encrypted ("no journal found" after an iget error).</summary>
    public static KernelInode? GetJournalInode(SbInfo sbi, MountLog log, uint inum, out StageFailure failure)
    {
        var r = KernelIget.Special(sbi, log, inum);
        if (r.Inode is not { } inode)
        {
            log.Add("no journal found");
            failure = r.Failure;
            return null;
        }
        if (inode.i_links_count == 0) return Printed<KernelInode>(log, "K_JNL_INODE_DELETED", Errno.EUCLEAN, "journal inode is deleted", out failure);
        if (inode.Type != Ext4InodeType.S_IFREG || inode.Has(Ext4InodeFlags.ENCRYPT_FL))
            return Printed<KernelInode>(log, "K_JNL_INODE_INVALID", Errno.EUCLEAN, "invalid journal inode", out failure);
        failure = default;
        return inode;
    }

    public static LoadedJournal? OpenInodeJournal(SbInfo sbi, MountLog log, uint inum, out StageFailure failure)
    {
        var inode = GetJournalInode(sbi, log, inum, out failure);
        if (inode is null) return null;
        const string couldNot = "Could not load journal inode";
        // jbd2_journal_init_inode: bmap(inode, 0) must give a block.
        ulong block = MapFirstBlock(sbi, inode);
        if (block != 0 && !sbi.InodeBlockValid(inum, block, 1))
        {
            sbi.Ext4Error(log, MountLog.InodeError(inum, block, "lblock 0 mapped to illegal pblock " + MountLog.U(block) + " (length 1)"));
            block = 0;
        }
        if (block == 0)
        {
            log.Add("jbd2_journal_init_inode: Cannot locate journal superblock");
            log.Add(couldNot);
            failure = new StageFailure("J_BMAP_SB", Errno.EINVAL, "jbd2_journal_init_inode: Cannot locate journal superblock");
            return null;
        }
        long offset = (long)block * sbi.s_blocksize;
        uint totalLen = (uint)((ulong)inode.i_size >> sbi.s_blocksize_bits);
        if (LoadSuperblock(sbi, log, sbi.Disk, offset, totalLen, couldNot, out failure) is not { } jsb) return null;
        return new LoadedJournal
        {
            Geometry = jsb.Geometry,
            DevName = KernelMountModel.Device + "-" + MountLog.U(inum),
            s_errno = jsb.Errno,
            NumFcBlocks = jsb.NumFc,
            Inode = inode,
            Location = new JournalLocation(JournalKind.Internal, offset, inum),
        };
    }

    public static LoadedJournal? OpenDevJournal(SbInfo sbi, MountLog log, out StageFailure failure)
    {
        var es = sbi.es;
        if (sbi.Context.ExternalJournal is not { } device)
        {
            uint dev = es.s_journal_dev;
            if (dev != 0) sbi.Context.Note("s_journal_dev names a journal device that was not supplied: modelled as absent");
            string line = "failed to open journal device unknown-block(" + MountLog.U((dev & 0xFFF00) >> 8) + "," + MountLog.U((dev & 0xFF) | ((dev >> 12) & 0xFFF00)) + ") -6";
            return Printed<LoadedJournal>(log, "K_JNL_EXT_OPEN", Errno.ENXIO, line, out failure);
        }
        uint bs = sbi.s_blocksize;
        uint sbBlock = 1024 / bs;
        if (!device.TryReadBlock(sbBlock, bs, out var data))
            return Printed<LoadedJournal>(log, "K_JNL_EXT_READ", Errno.EINVAL, "couldn't read superblock of external journal", out failure);
        var jes = new SuperBlockView(data.Slice((int)(1024 % bs), SuperBlockView.Size));
        if (jes.s_magic != 0xEF53 || (jes.s_feature_incompat & Ext4FeatureIncompat.INCOMPAT_JOURNAL_DEV) == 0)
            return Printed<LoadedJournal>(log, "K_JNL_EXT_BAD_SUPER", Errno.EUCLEAN, "external journal has bad superblock", out failure);
        if (jes.CsumApplies && !jes.VerifyCsum())
            return Printed<LoadedJournal>(log, "K_JNL_EXT_CSUM", Errno.EUCLEAN, "external journal has corrupt superblock", out failure);
        if (!jes.s_uuid.SequenceEqual(es.s_journal_uuid))
            return Printed<LoadedJournal>(log, "K_JNL_EXT_UUID", Errno.EUCLEAN, "journal UUID does not match", out failure);
        long offset = (long)(sbBlock + 1) * bs;
        // jbd2_journal_init_dev takes the length as an int.
        uint totalLen = (uint)(int)jes.s_blocks_count;
        if (LoadSuperblock(sbi, log, device, offset, totalLen, "failed to create device journal", out failure) is not { } jsb) return null;
        if (jsb.NrUsers != 1)
            return Printed<LoadedJournal>(log, "K_JNL_EXT_USERS", Errno.EINVAL, "External journal has more than one user (unsupported) - " + MountLog.D(jsb.NrUsers), out failure);
        return new LoadedJournal
        {
            Geometry = jsb.Geometry,
            DevName = KernelMountModel.JournalDevice,
            s_errno = jsb.Errno,
            NumFcBlocks = jsb.NumFc,
            Location = new JournalLocation(JournalKind.Device, offset, 0),
        };
    }

    private readonly record struct Superblock(JournalGeometry Geometry, int Errno, int NumFc, int NrUsers);

    /// <summary>journal_load_superblock: read the superblock's block, check it, take its numbers.</summary>
    private static Superblock? LoadSuperblock(SbInfo sbi, MountLog log, KernelDisk device, long offset, uint totalLen, string caller, out StageFailure failure)
    {
        if (!device.TryRead(offset, (int)sbi.s_blocksize, out var block))
        {
            log.Add("journal_load_superblock: Cannot read journal superblock");
            log.Add(caller);
            failure = new StageFailure("J_SB_READ", Errno.EIO, "journal_load_superblock: Cannot read journal superblock");
            return null;
        }
        var jsb = new JournalSuperblockView(block[..JournalSuperblockView.Size]);
        if (!Jbd2SuperblockCheck.TryLoad(jsb, sbi.s_blocksize, totalLen, out var geometry, out string line, out string errno, out string checkId))
        {
            log.Add(line);
            log.Add(caller);
            failure = new StageFailure(checkId, errno, line);
            return null;
        }
        failure = default;
        return new Superblock(geometry, jsb.s_errno, Jbd2SuperblockCheck.NumFcBlocks(jsb), (int)jsb.s_nr_users);
    }

    /// <summary>bmap(inode, 0) through the shared block mapper; 0 for a hole, inline data or a map the reader refuses.</summary>
    private static ulong MapFirstBlock(SbInfo sbi, KernelInode inode)
    {
        if (inode.HasInlineData) return 0;
        if (sbi.Context.FileSystem is not { } fs) return 0;
        if (!sbi.Disk.TryRead(inode.Offset, (int)sbi.s_inode_size, out var raw)) return 0;
        try
        {
            return BlockMapper.Map(fs, new InodeView(raw), inode.Ino, 0) ?? 0;
        }
        catch (CorruptDataException)
        {
            return 0;
        }
    }

    private static T? Printed<T>(MountLog log, string checkId, string errno, string line, out StageFailure failure) where T : class
    {
        log.Add(line);
        failure = new StageFailure(checkId, errno, line);
        return null;
    }
}
