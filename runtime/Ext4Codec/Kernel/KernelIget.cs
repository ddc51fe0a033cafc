using System;
using System.Buffers.Binary;
using Ext4Codec.Format;

namespace Ext4Codec.Kernel;

/// <summary>
/// __ext4_iget (fs/ext4/inode.c) with EXT4_IGET_SPECIAL, as the mount uses it for the root, journal, orphan-file and
/// quota inodes: every check in the kernel's order, with its ext4_error line. A failure marks the filesystem with
/// errors, as ext4_error does.
/// </summary>
internal static class KernelIget
{
    private const uint BootLoaderIno = 5;
    private const int GoodOldInodeSize = 128;
    private const int IBlockOffset = 0x28;

    public static IgetResult Special(SbInfo sbi, MountLog log, uint ino)
    {
        var es = sbi.es;
        if (ino < 2 || ino > es.s_inodes_count)
            return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_ILLEGAL_INO", MountLog.Error("inode #" + MountLog.U(ino) + ": comm mount: iget: illegal inode #"));
        // __ext4_get_inode_loc
        uint group = (ino - 1) / sbi.s_inodes_per_group;
        uint index = (ino - 1) % sbi.s_inodes_per_group;
        ulong table = sbi.GroupDesc(group).bg_inode_table;
        if (table <= es.s_first_data_block || table >= sbi.BlocksCount)
            return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_ITABLE_BLOCK", MountLog.Error("Invalid inode table block " + MountLog.U(table) + " in block_group " + MountLog.U(group)));
        ulong block = table + index / sbi.s_inodes_per_block;
        long offset = (long)block * sbi.s_blocksize + (long)(index % sbi.s_inodes_per_block) * sbi.s_inode_size;
        if (!sbi.Disk.TryReadBlock(block, sbi.s_blocksize, out _) || !sbi.Disk.TryRead(offset, (int)sbi.s_inode_size, out var raw))
            return Fail(sbi, log, Errno.EIO, "K_IGET_READ", MountLog.InodeError(ino, block, "unable to read itable block"));
        return Read(sbi, log, ino, offset, raw);
    }

    private static IgetResult Read(SbInfo sbi, MountLog log, uint ino, long offset, ReadOnlySpan<byte> raw)
    {
        var es = sbi.es;
        var inode = new InodeView(raw);
        int isize = raw.Length;
        int extra = 0;
        if (isize > GoodOldInodeSize)
        {
            extra = inode.i_extra_isize;
            if (GoodOldInodeSize + extra > isize || (extra & 3) != 0)
                return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_EXTRA_ISIZE", MountLog.InodeError(ino, 0, "iget: bad extra_isize " + MountLog.U((ulong)extra) + " (inode size " + MountLog.U((ulong)isize) + ")"));
        }
        uint csumSeed = sbi.MetadataCsum ? Crc32C.AppendInteger(Crc32C.AppendInteger(sbi.s_csum_seed, ino, 4, false), inode.i_generation, 4, false) : 0;
        if (sbi.MetadataCsum && es.s_creator_os != Ext4CreatorOs.OS_HURD && !inode.VerifyCsum(sbi.s_csum_seed, ino))
            return Fail(sbi, log, Errno.EBADMSG, "K_IGET_CSUM", MountLog.InodeError(ino, 0, "iget: checksum invalid"));
        // i_links_count == 0: deleted or never allocated; the boot loader inode is allowed to be empty.
        if (inode.i_links_count == 0 && ino != BootLoaderIno)
            return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_UNALLOCATED", MountLog.InodeError(ino, 0, "iget: special inode unallocated"));
        var flags = inode.i_flags;
        if ((flags & Ext4InodeFlags.INLINE_DATA_FL) != 0 && (flags & Ext4InodeFlags.EXTENTS_FL) != 0)
            return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_INLINE_AND_EXTENTS", MountLog.InodeError(ino, 0, "inode has both inline data and extents flags"));
        var type = (Ext4InodeType)(inode.i_mode & 0xF000);
        long size = sbi.Has(Ext4FeatureIncompat.INCOMPAT_LARGEDIR) || type == Ext4InodeType.S_IFREG ? (long)inode.i_size : inode.i_size_lo;
        if (size < 0)
            return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_BAD_SIZE", MountLog.InodeError(ino, 0, "iget: bad i_size value: " + MountLog.D(size)));
        if (!sbi.Has(Ext4FeatureCompat.COMPAT_DIR_INDEX) && sbi.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM) && (flags & Ext4InodeFlags.INDEX_FL) != 0)
            return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_HTREE_NO_DIR_INDEX", MountLog.InodeError(ino, 0, "iget: Dir with htree data on filesystem without dir_index feature."));
        bool inlineData = false;
        // ext4_iget_extra_inode runs only for a non-zero i_extra_isize (zero is taken as 32 in memory).
        if (extra != 0 && InodeXattrCheck.HasArea(raw, extra))
        {
            string reason = InodeXattrCheck.Check(sbi, raw, extra);
            if (reason.Length != 0)
                return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_XATTR", MountLog.InodeError(ino, 0, "corrupted in-inode xattr: " + reason));
            if (InodeXattrCheck.FindInlineData(raw, extra, out bool refersToEaInode))
            {
                if (refersToEaInode)
                    return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_XATTR", MountLog.InodeError(ino, 0, "inline data xattr refers to an external xattr inode"));
                inlineData = (flags & Ext4InodeFlags.INLINE_DATA_FL) != 0;
            }
        }
        var k = new KernelInode
        {
            Ino = ino,
            Offset = offset,
            i_mode = inode.i_mode,
            i_links_count = inode.i_links_count,
            i_flags = flags,
            i_size = size,
            i_blocks = Blocks(sbi, inode),
            i_file_acl = inode.i_file_acl_lo | (sbi.Has(Ext4FeatureIncompat.INCOMPAT_64BIT) ? (ulong)inode.l_i_file_acl_high << 32 : 0),
            i_csum_seed = csumSeed,
            HasInlineData = inlineData,
        };
        return CheckContents(sbi, log, k, raw.Slice(IBlockOffset, 60));
    }

    /// <summary>The attribute block, the block map, then the per-type checks and check_igot_inode.</summary>
    private static IgetResult CheckContents(SbInfo sbi, MountLog log, KernelInode k, ReadOnlySpan<byte> iblock)
    {
        uint ino = k.Ino;
        if (k.i_file_acl != 0 && !sbi.InodeBlockValid(ino, k.i_file_acl, 1))
            return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_BAD_ACL_BLOCK", MountLog.InodeError(ino, 0, "iget: bad extended attribute block " + MountLog.U(k.i_file_acl)));
        uint clusterSize = sbi.s_blocksize * sbi.s_cluster_ratio;
        bool fastSymlink = k.IsFastSymlink(clusterSize);
        if (!k.HasInlineData && (k.Type is Ext4InodeType.S_IFREG or Ext4InodeType.S_IFDIR || (k.Type == Ext4InodeType.S_IFLNK && !fastSymlink)))
        {
            if (k.Has(Ext4InodeFlags.EXTENTS_FL))
            {
                string bad = ExtentRootCheck.Check(sbi, ino, iblock);
                if (bad.Length != 0) return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_EXTENT_HEADER", MountLog.InodeError(ino, 0, bad));
            }
            else
            {
                // ext4_ind_check_inode: the twelve direct pointers (indirect blocks are checked when read).
                for (int i = 0; i < 12; i++)
                {
                    uint blk = BinaryPrimitives.ReadUInt32LittleEndian(iblock[(i * 4)..]);
                    if (blk != 0 && !sbi.InodeBlockValid(ino, blk, 1))
                        return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_IND_BLOCK", MountLog.InodeError(ino, blk, "invalid block"));
                }
            }
        }
        bool badInode = false;
        switch (k.Type)
        {
            case Ext4InodeType.S_IFLNK:
                if (k.Has(Ext4InodeFlags.APPEND_FL) || k.Has(Ext4InodeFlags.IMMUTABLE_FL))
                    return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_SYMLINK_FLAGS", MountLog.InodeError(ino, 0, "iget: immutable or append flags not allowed on symlinks"));
                if (!k.Has(Ext4InodeFlags.ENCRYPT_FL) && fastSymlink && !FastSymlinkLengthOk(k.i_size, iblock))
                    return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_FAST_SYMLINK_LEN", MountLog.InodeError(ino, 0, "invalid fast symlink length " + MountLog.D(k.i_size)));
                break;
            case Ext4InodeType.S_IFREG or Ext4InodeType.S_IFDIR or Ext4InodeType.S_IFCHR or Ext4InodeType.S_IFBLK or Ext4InodeType.S_IFIFO or Ext4InodeType.S_IFSOCK:
                break;
            default:
                if (ino != BootLoaderIno)
                    return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_BOGUS_MODE", MountLog.InodeError(ino, 0, "iget: bogus i_mode (" + Convert.ToString(k.i_mode, 8) + ")"));
                badInode = true;
                break;
        }
        if (k.Has(Ext4InodeFlags.CASEFOLD_FL) && !sbi.Has(Ext4FeatureIncompat.INCOMPAT_CASEFOLD))
            return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_CASEFOLD_FLAG", MountLog.InodeError(ino, 0, "casefold flag without casefold feature"));
        if (k.Has(Ext4InodeFlags.EA_INODE_FL))
            return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_EA_INODE_FLAG", MountLog.InodeError(ino, 0, "unexpected EA_INODE flag"));
        if (badInode)
            return Fail(sbi, log, Errno.EUCLEAN, "K_IGET_BOGUS_MODE", MountLog.InodeError(ino, 0, "unexpected bad inode w/o EXT4_IGET_BAD"));
        return new IgetResult(k, default);
    }

    /// <summary>i_size in 1..59 and the target exactly that long (no NUL before it, one after it or at the end of i_block).</summary>
    private static bool FastSymlinkLengthOk(long size, ReadOnlySpan<byte> iblock)
    {
        if (size <= 0 || size >= 60) return false;
        int nul = iblock[..((int)size + 1)].IndexOf((byte)0);
        return (nul < 0 ? (int)size + 1 : nul) == size;
    }

    /// <summary>ext4_inode_blocks: 48 bits with huge_file, in filesystem blocks with HUGE_FILE_FL; else 32 bits.</summary>
    private static ulong Blocks(SbInfo sbi, InodeView inode)
    {
        if (!sbi.Has(Ext4FeatureRoCompat.RO_COMPAT_HUGE_FILE)) return inode.i_blocks_lo;
        ulong blocks = inode.i_blocks_lo | (ulong)inode.l_i_blocks_high << 32;
        return (inode.i_flags & Ext4InodeFlags.HUGE_FILE_FL) != 0 ? blocks << (sbi.s_blocksize_bits - 9) : blocks;
    }

    private static IgetResult Fail(SbInfo sbi, MountLog log, string errno, string checkId, string line)
    {
        sbi.Ext4Error(log, line);
        return new IgetResult(null, new StageFailure(checkId, errno, line));
    }
}
