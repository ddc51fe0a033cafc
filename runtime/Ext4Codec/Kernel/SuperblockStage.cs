using System;
using System.Text;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Kernel;

/// <summary>
/// The first stages of __ext4_fill_super (fs/ext4/super.c): ext4_load_super, ext4_init_metadata_csum,
/// ext4_set_def_opts, ext4_inode_info_init, parse_apply_sb_mount_options, ext4_encoding_init and
/// ext4_check_journal_data_mode.
/// </summary>
internal static class SuperblockStage
{
    private const int SuperBlockOffset = 1024;

    /// <summary>ext4_load_super: read at 1 KiB, check magic and sizes, re-read at the real block size.</summary>
    public static bool Load(KernelDisk disk, KernelProfile profile, MountLog log, out byte[] superblock, out int blockSizeBits)
    {
        superblock = [];
        blockSizeBits = 0;
        if (!disk.TryRead(SuperBlockOffset, SuperBlockView.Size, out var bytes))
        {
            return log.Fail("K_SB_READ", Errno.EIO, "unable to read superblock");
        }
        var es = new SuperBlockView(bytes);
        if (es.s_magic != 0xEF53)
        {
            return log.Fail("K_SB_BAD_MAGIC", Errno.EINVAL, "VFS: Can't find ext4 filesystem");
        }
        if (es.s_log_block_size > 6)
            return log.Fail("K_BAD_LOG_BLOCK_SIZE", Errno.EINVAL, "Invalid log block size: " + MountLog.U(es.s_log_block_size));
        if (es.s_log_cluster_size > 20)
            return log.Fail("K_BAD_LOG_CLUSTER_SIZE", Errno.EINVAL, "Invalid log cluster size: " + MountLog.U(es.s_log_cluster_size));
        int bits = 10 + (int)es.s_log_block_size;
        // sb_set_blocksize refuses sizes above PAGE_SIZE: ext4 in 6.18 does not support large block sizes.
        if ((1 << bits) > profile.PageSize)
            return log.Fail("K_BAD_BLOCKSIZE", Errno.EINVAL, "bad block size " + MountLog.D(1 << bits));
        if (bits > 10 && disk.Bytes < 1 << bits)
            return log.Fail("K_SB_REREAD", Errno.EIO, "Can't read superblock on 2nd try");
        superblock = bytes.ToArray();
        blockSizeBits = bits;
        return true;
    }

    /// <summary>ext4_init_metadata_csum: the checksum type and superblock checksum, then the seed.</summary>
    public static bool InitMetadataCsum(SbInfo sbi, MountLog log)
    {
        var es = sbi.es;
        if (sbi.MetadataCsum && sbi.Has(Ext4FeatureRoCompat.RO_COMPAT_GDT_CSUM))
            log.Add("metadata_csum and uninit_bg are redundant flags; please run fsck.");
        if (sbi.MetadataCsum && es.s_checksum_type != Ext4ChecksumType.CRC32C)
            return log.Fail("K_CSUM_UNKNOWN_ALGO", Errno.EINVAL, "VFS: Found ext4 filesystem with unknown checksum algorithm.");
        if (es.CsumApplies && !es.VerifyCsum())
            return log.Fail("K_SB_CSUM_BAD", Errno.EBADMSG, "VFS: Found ext4 filesystem with invalid superblock checksum.  Run e2fsck?");
        if (sbi.MetadataCsum || sbi.Has(Ext4FeatureIncompat.INCOMPAT_EA_INODE)) sbi.s_csum_seed = Ext4FileSystem.ComputeChecksumSeed(es);
        return true;
    }

    /// <summary>ext4_set_def_opts (the data= mode; the rest only matters with options) and the loaded state.</summary>
    public static void SetDefOpts(SbInfo sbi)
    {
        var es = sbi.es;
        sbi.DataMode = ((uint)es.s_default_mount_opts & 0x60) switch
        {
            (uint)Ext4MountOpts.DEFM_JMODE_DATA => DataMode.Journal,
            (uint)Ext4MountOpts.DEFM_JMODE_ORDERED => DataMode.Ordered,
            (uint)Ext4MountOpts.DEFM_JMODE_WBACK => DataMode.Writeback,
            _ => DataMode.None,
        };
        // EXT4_FC_REPLAY is a runtime bit: ext4_block_group_meta_init never takes it from disk.
        sbi.s_mount_state = es.s_state & ~Ext4State.FC_REPLAY;
    }

    /// <summary>ext4_inode_info_init: inode size, first inode and extra isize.</summary>
    public static bool InodeInfoInit(SbInfo sbi, MountLog log)
    {
        var es = sbi.es;
        if (es.s_rev_level == Ext4RevLevel.GOOD_OLD_REV)
        {
            sbi.s_inode_size = Geometry.GoodOldInodeSize;
            sbi.s_first_ino = Geometry.GoodOldFirstInode;
        }
        else
        {
            sbi.s_inode_size = es.s_inode_size;
            sbi.s_first_ino = es.s_first_ino;
            if (sbi.s_first_ino < Geometry.GoodOldFirstInode)
                return log.Fail("K_BAD_FIRST_INO", Errno.EINVAL, "invalid first ino: " + MountLog.U(sbi.s_first_ino));
            uint size = sbi.s_inode_size;
            if (size < Geometry.GoodOldInodeSize || (size & (size - 1)) != 0 || size > sbi.s_blocksize)
            {
                log.Add("unsupported inode size: " + MountLog.U(size));
                log.Add("blocksize: " + MountLog.U(sbi.s_blocksize));
                return log.Refuse("K_BAD_INODE_SIZE", Errno.EINVAL, "unsupported inode size: " + MountLog.U(size));
            }
        }
        if (sbi.s_inode_size > Geometry.GoodOldInodeSize && sbi.Has(Ext4FeatureRoCompat.RO_COMPAT_EXTRA_ISIZE))
        {
            uint max = sbi.s_inode_size - Geometry.GoodOldInodeSize;
            if (es.s_want_extra_isize > max)
                return log.Fail("K_BAD_WANT_EXTRA_ISIZE", Errno.EINVAL, "bad s_want_extra_isize: " + MountLog.U(es.s_want_extra_isize));
            if (es.s_min_extra_isize > max)
                return log.Fail("K_BAD_MIN_EXTRA_ISIZE", Errno.EINVAL, "bad s_min_extra_isize: " + MountLog.U(es.s_min_extra_isize));
        }
        return true;
    }

    /// <summary>
    /// parse_apply_sb_mount_options: an unterminated s_mount_opts (E2BIG on 6.18.y, no message). Options stored there
    /// are applied before the user's; the model does not parse them and says so in a note.
    /// </summary>
    public static bool ParseSbMountOptions(SbInfo sbi, MountLog log, Action<string> note)
    {
        var opts = sbi.es.s_mount_opts;
        int length = opts.IndexOf((byte)0);
        if (length < 0 && sbi.Profile.RefuseUnterminatedMountOpts) return log.Refuse("K_SB_MOUNT_OPTS_UNTERMINATED", Errno.E2BIG, "");
        if (length != 0) note("s_mount_opts \"" + Encoding.Latin1.GetString(length < 0 ? opts : opts[..length]) + "\" is applied by the kernel before the requested options; the model ignores it");
        return true;
    }

    /// <summary>ext4_encoding_init (CONFIG_UNICODE only): casefold needs s_encoding utf8-12.1, the one encoding in the table.</summary>
    public static bool EncodingInit(SbInfo sbi, MountLog log)
    {
        if (!sbi.Profile.Unicode || !sbi.Has(Ext4FeatureIncompat.INCOMPAT_CASEFOLD)) return true;
        if (sbi.es.s_encoding != Ext4Encoding.ENC_UTF8_12_1)
            return log.Fail("K_ENCODING_UNKNOWN", Errno.EINVAL, "Encoding requested by superblock is unknown");
        log.Add("Using encoding defined by superblock: utf8-12.1.0 with flags 0x" + sbi.es.s_encoding_flags.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
        return true;
    }

    /// <summary>ext4_check_journal_data_mode: with data=journal from the defaults, encrypted files fall back to ordered.</summary>
    public static void CheckJournalDataMode(SbInfo sbi, MountLog log)
    {
        // The "Warning: mounting with data=journal disables ..." line is printk_once: once per boot, so not per mount.
        if (sbi.DataMode == DataMode.Journal && sbi.Has(Ext4FeatureIncompat.INCOMPAT_ENCRYPT))
            log.Add("encrypted files will use data=ordered instead of data journaling mode");
    }
}
