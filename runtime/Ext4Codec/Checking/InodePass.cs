using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Checking;

/// <summary>
/// Pass 1 (e2fsck/pass1.c): the group metadata claimed first (mark_table_blocks), then every inode of every
/// initialised group: which are in use, the special inodes, dtime, and each map's blocks, i_size and i_blocks.
/// Directory blocks are kept for pass 2; blocks claimed twice are resolved in pass 1B.
/// </summary>
internal static class InodePass
{
    private const uint XattrMagic = 0xEA020000;
    private const uint XattrMagicV1 = 0xEA010000;
    private const int XattrHeaderSize = 32;

    /// <summary>EXT2_XATTR_SIZE_MAX: the largest value check_ext_attr accepts in a block.</summary>
    private const uint XattrSizeMax = 1u << 24;

    public static void Run(CheckContext ctx, List<DirBlock> dirBlocks)
    {
        MarkTableBlocks(ctx);
        var fs = ctx.Fs;
        var g = ctx.Geometry;
        var sb = fs.SuperBlock;
        bool lowDtimeCheck = !(Low(sb.s_wtime, g) || Low(sb.s_mtime, g) || Low(sb.s_mkfs_time, g));
        if (g.Has(Ext4FeatureIncompat.INCOMPAT_MMP) && ctx.IsValidBlock(sb.s_mmp_block)) ctx.Claim(sb.s_mmp_block);
        var scan = new BlockScan(ctx);
        var eaRefs = new Dictionary<ulong, uint>();
        var runs = new List<(ulong Logical, ulong Physical)>();
        for (uint group = 0; group < g.GroupCount; group++)
        {
            var gd = fs.GroupDescriptor(group);
            ulong table = gd.bg_inode_table;
            // ext2fs_open_inode_scan checks every table's place before it skips uninitialised groups.
            if (!ctx.IsValidBlock(table) || table + g.InodeBlocksPerGroup > g.BlocksCount)
            {
                ctx.Report("PR_1_ISCAN_ERROR", 1, $"the inode table of group {group} (block {table}) is outside the filesystem", group: group, counts: false);
                throw ctx.Abort($"error while scanning inodes: the inode table of group {group} is outside the filesystem");
            }
            if (ctx.GroupCsum && (gd.bg_flags & Ext4BgFlags.INODE_UNINIT) != 0) continue;
            // get_next_blockgroup: with group checksums only the inodes before bg_itable_unused are scanned (none when it is too big).
            uint count = g.InodesPerGroup;
            if (ctx.GroupCsum) count = gd.bg_itable_unused >= count ? 0 : count - gd.bg_itable_unused;
            long tableBytes = (long)count * g.InodeSize;
            if (count == 0) continue;
            if (table > (ulong)(fs.Image.Length / g.BlockSize)
                || !fs.Image.TryRead((long)table * g.BlockSize, (int)Math.Min(tableBytes, int.MaxValue), out var inodes))
            {
                ctx.Report("PR_1_ISCAN_ERROR", 1, $"cannot read the inode table of group {group} (block {table})", group: group, counts: false);
                throw ctx.Abort($"error while scanning inodes: the inode table of group {group} cannot be read");
            }
            for (uint i = 0; i < count; i++)
            {
                uint ino = group * g.InodesPerGroup + i + 1;
                var inode = new InodeView(inodes.Slice((int)(i * g.InodeSize), (int)g.InodeSize));
                CheckInode(ctx, ino, inode, lowDtimeCheck, scan, eaRefs, dirBlocks, runs);
            }
        }
        CheckEaRefcounts(ctx, eaRefs);
    }

    /// <summary>Marks the inode in use and keeps what passes 2 and 4 need of it, so they do not read it again.</summary>
    private static void MarkUsed(CheckContext ctx, uint ino, InodeView inode)
    {
        ctx.InodeUsed.Set(ino);
        ctx.FileType[ino] = InodeFacts.DirEntryFileType(inode.i_mode);
        ctx.LinksOnDisk[ino] = inode.i_links_count;
    }

    /// <summary>e2fsck_pass1_check_symlink: the target fits where it is kept, has no NUL before i_size, and ends at i_size.</summary>
    public static bool SymlinkIsValid(CheckContext ctx, uint ino, InodeView inode)
    {
        if ((inode.i_flags & (Ext4InodeFlags.IMMUTABLE_FL | Ext4InodeFlags.APPEND_FL)) != 0) return false;
        if (InodeContent.IsInline(inode)) return true;
        ulong size = inode.i_size;
        bool encrypted = (inode.i_flags & Ext4InodeFlags.ENCRYPT_FL) != 0;
        ReadOnlySpan<byte> target;
        if (InodeContent.IsFastSymlink(inode, ctx.Geometry.ClusterSize))
        {
            if (size >= 60) return false;
            target = inode.Data.Slice(InodeLayout.Offsets.i_block, 60);
        }
        else
        {
            if (size >= ctx.Geometry.BlockSize) return false;
            ulong? block;
            try { block = BlockMapper.Map(ctx.Fs, inode, ino, 0); }
            catch (CorruptDataException) { return false; }
            if (block is null || !ctx.IsValidBlock(block.Value) || !ctx.Fs.Image.TryRead((long)block.Value * ctx.Geometry.BlockSize, (int)ctx.Geometry.BlockSize, out target)) return false;
        }
        int len = target.IndexOf((byte)0);
        if (len < 0) return false;
        return encrypted || (ulong)len == size;
    }

    private static bool IsZero(ReadOnlySpan<byte> data) => data.IndexOfAnyExcept((byte)0) < 0;

    private static bool Low(uint time, Geometry g) => time != 0 && time < g.InodesCount;

    /// <summary>mark_table_blocks: superblock copies, descriptors, reserved descriptors, bitmaps and inode tables.</summary>
    private static void MarkTableBlocks(CheckContext ctx)
    {
        var fs = ctx.Fs;
        var g = ctx.Geometry;
        for (uint group = 0; group < g.GroupCount; group++)
        {
            ulong first = fs.GroupFirstBlock(group);
            int baseMeta = fs.BaseMetaBlocks(group);
            if (group == 0 && g.FirstDataBlock == 0 && g.BlockSize == 1024) baseMeta++;
            for (int b = 0; b < baseMeta; b++) Mark(ctx, first + (ulong)b);
            var gd = fs.GroupDescriptor(group);
            MarkGroupBlock(ctx, gd.bg_inode_table, g.InodeBlocksPerGroup, group, "PR_1_ITABLE_CONFLICT", "inode table");
            MarkGroupBlock(ctx, gd.bg_block_bitmap, 1, group, "PR_1_BB_CONFLICT", "block bitmap");
            MarkGroupBlock(ctx, gd.bg_inode_bitmap, 1, group, "PR_1_IB_CONFLICT", "inode bitmap");
        }
    }

    private static void Mark(CheckContext ctx, ulong block)
    {
        ctx.BlockFound.Set(block);
        ctx.BlockMetadata.Set(block);
    }

    private static void MarkGroupBlock(CheckContext ctx, ulong start, uint count, uint group, string code, string what)
    {
        if (start == 0 || !ctx.IsValidBlock(start)) return;
        for (ulong b = start; b < start + count && b < ctx.Geometry.BlocksCount; b++)
        {
            if (ctx.BlockFound[b])
            {
                ctx.Report(code, 1, $"group {group}'s {what} at block {b} conflicts with some other fs block", group: group, block: b);
                break;
            }
        }
        for (ulong b = start; b < start + count && b < ctx.Geometry.BlocksCount; b++) Mark(ctx, b);
    }

    private static bool IsQuotaReserved(uint ino) => ino == 3 || ino == 4;

    private static void CheckInode(CheckContext ctx, uint ino, InodeView inode, bool lowDtimeCheck, BlockScan scan,
        Dictionary<ulong, uint> eaRefs, List<DirBlock> dirBlocks, List<(ulong Logical, ulong Physical)> runs)
    {
        var g = ctx.Geometry;
        var sb = ctx.Fs.SuperBlock;
        ushort links = inode.i_links_count;
        // The inode scan verifies every non-zero inode's checksum; e2fsck reports it once nothing else is wrong with the inode.
        bool failedCsum = g.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM) && !inode.VerifyCsum(ctx.Fs.ChecksumSeed, ino) && !IsZero(inode.Data);
        if (failedCsum) ctx.InodeCsumFailed.Set(ino);
        if (failedCsum)
            ctx.Report("PR_1_INODE_ONLY_CSUM_INVALID", 1, $"inode {ino} passes checks, but its checksum does not match", ino: ino);
        uint dtime = inode.i_dtime;
        if (dtime != 0 && lowDtimeCheck && dtime < g.InodesCount)
            ctx.Report("PR_1_LOW_DTIME", 1, $"inode {ino} was part of the orphaned inode list (dtime {dtime})", ino: ino);
        if (links == 0 && ino >= g.FirstInode && !IsQuotaReserved(ino))
        {
            if (dtime == 0 && inode.i_mode != 0) ctx.Report("PR_1_ZERO_DTIME", 1, $"deleted inode {ino} has zero dtime", ino: ino);
            return;
        }
        if (ino == 1)
        {
            MarkUsed(ctx, ino, inode);
            scan.Scan(ino, inode, claim: true);
            if (scan.Illegal)
            {
                // A bad-blocks list e2fsck cannot trust ends the check (PR_1_BLOCK_ITERATE, "aborted").
                throw ctx.AbortInvalid("the bad blocks inode lists illegal blocks");
            }
            return;
        }
        if (ino == 2)
        {
            if (InodeFacts.Type(inode) != Ext4InodeType.S_IFDIR) ctx.Report("PR_1_ROOT_NO_DIR", 1, "the root inode is not a directory", ino: ino);
            if (dtime != 0 && links != 0) ctx.Report("PR_1_ROOT_DTIME", 1, "the root inode has dtime set", ino: ino);
        }
        else if (ino == 8)
        {
            MarkUsed(ctx, ino, inode);
            if (sb.s_journal_inum == 8)
            {
                CheckBlocks(ctx, ino, inode, scan, eaRefs, null, null);
                return;
            }
            if (links != 0 || inode.i_blocks != 0 || inode.i_block(0) != 0)
                ctx.Report("PR_1_JOURNAL_INODE_NOT_CLEAR", 1, "the journal inode is not in use, but contains data", ino: ino);
        }
        else if (IsQuotaReserved(ino))
        {
            MarkUsed(ctx, ino, inode);
            if (g.Has(Ext4FeatureRoCompat.RO_COMPAT_QUOTA) && (sb.s_usr_quota_inum == ino || sb.s_grp_quota_inum == ino))
            {
                CheckBlocks(ctx, ino, inode, scan, eaRefs, null, null);
                return;
            }
            if (links != 0 || inode.i_blocks != 0 || inode.i_block(0) != 0)
                ctx.Report("PR_1_QUOTA_INODE_NOT_CLEAR", 1, $"quota inode {ino} is not in use, but contains data", ino: ino);
        }
        else if (ino == sb.s_orphan_file_inum)
        {
            MarkUsed(ctx, ino, inode);
            if (g.Has(Ext4FeatureCompat.COMPAT_ORPHAN_FILE))
            {
                CheckBlocks(ctx, ino, inode, scan, eaRefs, null, null);
                return;
            }
            if (links != 0 || inode.i_blocks != 0 || inode.i_block(0) != 0)
                ctx.Report("PR_1_ORPHAN_FILE_NOT_CLEAR", 1, $"orphan file inode {ino} is not in use, but contains data", ino: ino);
        }
        else if (ino < g.FirstInode)
        {
            MarkUsed(ctx, ino, inode);
            var type = InodeFacts.Type(inode);
            bool bad = ino == 5 ? type == Ext4InodeType.S_IFDIR : ino == 7 ? inode.i_mode != 0 && type != Ext4InodeType.S_IFREG : inode.i_mode != 0;
            if (bad) ctx.Report("PR_1_RESERVED_BAD_MODE", 1, $"reserved inode {ino} has a bad mode 0{Convert.ToString(inode.i_mode, 8)}", ino: ino);
            CheckBlocks(ctx, ino, inode, scan, eaRefs, null, null);
            return;
        }
        if (links == 0) return;
        InlineDataCheck.Run(ctx, ino, inode, failedCsum);
        if (dtime != 0) ctx.Report("PR_1_SET_DTIME", 1, $"inode {ino} is in use, but has dtime set", ino: ino);
        MarkUsed(ctx, ino, inode);
        var t = InodeFacts.Type(inode);
        bool isDir = t == Ext4InodeType.S_IFDIR;
        MarkBadFields(ctx, ino, inode, isDir);
        ulong eaInodeQuota = XattrChecks.ExtraSpace(ctx, ino, inode);
        if (isDir)
        {
            ctx.InodeDir.Set(ino);
            ctx.Dirs[ino] = default;
        }
        if ((inode.i_flags & Ext4InodeFlags.EXTENTS_FL) != 0 && !g.Has(Ext4FeatureIncompat.INCOMPAT_EXTENTS))
            ctx.Report("PR_1_EXTENT_FEATURE", 1, $"inode {ino} is in extent format, but the extent feature is not set", ino: ino);
        bool special = t is Ext4InodeType.S_IFCHR or Ext4InodeType.S_IFBLK or Ext4InodeType.S_IFIFO or Ext4InodeType.S_IFSOCK;
        if (special && DeviceInodeIsValid(inode))
        {
            if (inode.i_size != 0) ctx.Report("PR_1_SET_NONZSIZE", 1, $"special (device/socket/fifo) inode {ino} has non-zero size", ino: ino);
            CheckBlocks(ctx, ino, inode, scan, eaRefs, null, null, eaInodeQuota, hasBlocks: false);
            return;
        }
        if (special || (t == Ext4InodeType.S_IFLNK && !SymlinkIsValid(ctx, ino, inode))
            || t is not (Ext4InodeType.S_IFREG or Ext4InodeType.S_IFDIR or Ext4InodeType.S_IFLNK or Ext4InodeType.S_IFCHR
                or Ext4InodeType.S_IFBLK or Ext4InodeType.S_IFIFO or Ext4InodeType.S_IFSOCK))
        {
            ctx.InodeBadMap.Set(ino);
            if (!special && t != Ext4InodeType.S_IFLNK) ctx.InodeBad.Set(ino);
        }
        if (t == Ext4InodeType.S_IFLNK && InodeContent.IsFastSymlink(inode, g.ClusterSize))
        {
            if ((inode.i_flags & Ext4InodeFlags.EXTENTS_FL) != 0)
                ctx.Report("PR_1_FAST_SYMLINK_EXTENT_FL", 1, $"fast symlink {ino} has EXTENTS_FL set", ino: ino);
            CheckBlocks(ctx, ino, inode, scan, eaRefs, null, null, eaInodeQuota, hasBlocks: false);
            return;
        }
        if (special) return;
        runs.Clear();
        CheckBlocks(ctx, ino, inode, scan, eaRefs, isDir ? runs : null, isDir ? dirBlocks : null, eaInodeQuota, hasBlocks: true);
    }

    /// <summary>mark_inode_bad's field checks: what pass 2's process_bad_inode will ask about for each entry naming the inode.</summary>
    private static void MarkBadFields(CheckContext ctx, uint ino, InodeView inode, bool isDir)
    {
        var g = ctx.Geometry;
        // The Hurd keeps a fragment number and size where Linux keeps l_i_blocks_high.
        byte frag = ctx.Hurd ? inode.Data[InodeLayout.Offsets.l_i_blocks_high] : (byte)0;
        byte fsize = ctx.Hurd ? inode.Data[InodeLayout.Offsets.l_i_blocks_high + 1] : (byte)0;
        if (inode.i_obso_faddr != 0 || frag != 0 || fsize != 0 || (!g.Has(Ext4FeatureIncompat.INCOMPAT_LARGEDIR) && isDir && inode.i_size_high != 0))
            ctx.InodeBadMap.Set(ino);
        if (!ctx.Hurd && !g.Has(Ext4FeatureIncompat.INCOMPAT_64BIT) && inode.l_i_file_acl_high != 0) ctx.InodeBadMap.Set(ino);
        if (!ctx.Hurd && !g.Has(Ext4FeatureRoCompat.RO_COMPAT_HUGE_FILE) && inode.l_i_blocks_high != 0) ctx.InodeBadMap.Set(ino);
    }

    /// <summary>e2fsck_pass1_check_device_inode: no INDEX or EXTENTS flag, and an immutable or append-only one keeps i_block[4..] zero.</summary>
    public static bool DeviceInodeIsValid(InodeView inode)
    {
        if ((inode.i_flags & (Ext4InodeFlags.INDEX_FL | Ext4InodeFlags.EXTENTS_FL)) != 0) return false;
        if ((inode.i_flags & (Ext4InodeFlags.IMMUTABLE_FL | Ext4InodeFlags.APPEND_FL)) != 0)
            for (int i = 4; i < 15; i++)
                if (inode.i_block(i) != 0) return false;
        return true;
    }

    /// <param name="eaInodeQuota">Blocks the in-inode xattrs' EA inode values charge (check_inode_extra_space's ea_ibody_quota).</param>
    /// <param name="hasBlocks">ext2fs_inode_has_valid_blocks2: false for devices, FIFOs, sockets and fast symlinks, whose i_block holds no block map.</param>
    private static void CheckBlocks(CheckContext ctx, uint ino, InodeView inode, BlockScan scan, Dictionary<ulong, uint> eaRefs,
        List<(ulong Logical, ulong Physical)>? runs, List<DirBlock>? dirBlocks, ulong eaInodeQuota = 0, bool hasBlocks = true)
    {
        var g = ctx.Geometry;
        ulong eaBlocks = CheckEa(ctx, ino, inode, eaRefs);
        bool inline = InodeContent.IsInline(inode);
        bool isDir = InodeFacts.Type(inode) == Ext4InodeType.S_IFDIR;
        ulong numBlocks = eaBlocks + eaInodeQuota;
        long lastBlock = -1, lastInit = -1;
        if (!inline && hasBlocks)
        {
            scan.DirBlocks = runs;
            scan.Scan(ino, inode, claim: true);
            scan.DirBlocks = null;
            numBlocks += scan.NumBlocks;
            lastBlock = scan.LastBlock;
            lastInit = scan.LastInitBlock;
            if (scan.Broken) ctx.InodeBad.Set(ino);
            if (runs is not null && dirBlocks is not null)
            {
                foreach (var (l, p) in runs) dirBlocks.Add(new DirBlock(ino, l, p));
                CheckDirectoryHoles(ctx, ino, inode, runs);
            }
        }
        else if (isDir && dirBlocks is not null)
        {
            dirBlocks.Add(new DirBlock(ino, 0, 0));
        }
        if ((inode.i_flags & Ext4InodeFlags.INDEX_FL) != 0)
            HtreeCheck.Pass1(ctx, ino, inode, runs is { Count: > 0 } && runs[0].Logical == 0 ? runs[0].Physical : 0, lastBlock);
        CheckSize(ctx, ino, inode, isDir, inline, lastBlock, lastInit);
        bool huge = g.Has(Ext4FeatureRoCompat.RO_COMPAT_HUGE_FILE) && (inode.i_flags & Ext4InodeFlags.HUGE_FILE_FL) != 0;
        ulong expected = huge ? numBlocks : numBlocks * (g.BlockSize / 512);
        ulong stored = g.Has(Ext4FeatureRoCompat.RO_COMPAT_HUGE_FILE) ? inode.i_blocks : inode.i_blocks_lo;
        if (!ctx.Hurd && expected != stored)
            ctx.Report("PR_1_BAD_I_BLOCKS", 1, $"inode {ino}, i_blocks is {stored}, should be {expected}", ino: ino);
    }

    /// <summary>Directory blocks must be contiguous from logical 0 up to the size (pass 2 reports the holes).</summary>
    private static void CheckDirectoryHoles(CheckContext ctx, uint ino, InodeView inode, List<(ulong Logical, ulong Physical)> runs)
    {
        ulong expect = 0;
        foreach (var (l, _) in runs)
        {
            if (l != expect)
            {
                ctx.Report("PR_2_DIRECTORY_HOLE", 2, $"directory inode {ino} has an unallocated block #{expect}", ino: ino);
                return;
            }
            expect = l + 1;
        }
    }

    private static void CheckSize(CheckContext ctx, uint ino, InodeView inode, bool isDir, bool inline, long lastBlock, long lastInit)
    {
        var g = ctx.Geometry;
        ulong size = inode.i_size;
        string? why = null;
        if (isDir)
        {
            if (inline) return;
            ulong nblock = size / g.BlockSize;
            if ((size & (g.BlockSize - 1)) != 0) why = "not a multiple of the block size";
            else if (nblock > (ulong)(lastBlock + 1)) why = "larger than its blocks";
            else if (nblock < (ulong)(lastBlock + 1) && (ulong)(lastBlock + 1) - nblock > ctx.Fs.SuperBlock.s_prealloc_dir_blocks) why = "smaller than its blocks";
        }
        else if (InodeFacts.Type(inode) != Ext4InodeType.S_IFLNK)
        {
            bool extents = g.Has(Ext4FeatureIncompat.INCOMPAT_EXTENTS) && (inode.i_flags & Ext4InodeFlags.EXTENTS_FL) != 0;
            if (lastInit >= 0 && size < (ulong)lastInit * g.BlockSize && (inode.i_flags & Ext4InodeFlags.VERITY_FL) == 0) why = "smaller than its initialised blocks";
            else if (!extents && size > BlockMappedMaxSize(g)) why = "too big for a direct/indirect-mapped file";
            else if (extents && size > (1UL << (32 + 10 + g.LogBlockSize)) - 1) why = "too big for an extent-mapped file";
        }
        if (why is not null)
            ctx.Report("PR_1_BAD_I_SIZE", 1, $"inode {ino}, i_size is {size}, should be {(ulong)(lastBlock + 1) * g.BlockSize} ({why})", ino: ino);
    }

    /// <summary>ext2_max_sizes: what 12 direct, one indirect, one double and one triple indirect block can map, in bytes.</summary>
    private static ulong BlockMappedMaxSize(Geometry g)
    {
        ulong perBlock = 1UL << (10 + g.LogBlockSize - 2);
        ulong blocks = 12 + perBlock + perBlock * perBlock + perBlock * perBlock * perBlock;
        return blocks << (10 + g.LogBlockSize);
    }

    /// <summary>
    /// check_ext_attr: the blocks an xattr block charges the inode — the block itself and the EA inode values its
    /// entries name — claimed once however many inodes share it, charged to each. A block out of range marks the
    /// inode for pass 2 (PR_2_FILE_ACL_BAD there); otherwise each problem -n declines leaves the block accepted.
    /// </summary>
    private static ulong CheckEa(CheckContext ctx, uint ino, InodeView inode, Dictionary<ulong, uint> eaRefs)
    {
        ulong blk = ctx.FileAcl(inode);
        if (blk == 0) return 0;
        var g = ctx.Geometry;
        if (!g.Has(Ext4FeatureCompat.COMPAT_EXT_ATTR) || !ctx.IsValidBlock(blk))
        {
            ctx.InodeBadMap.Set(ino);
            return 0;
        }
        if (eaRefs.TryGetValue(blk, out uint seen))
        {
            eaRefs[blk] = seen + 1;
            return 1 + ctx.EaBlockInodeQuota.GetValueOrDefault(blk);
        }
        if (!ctx.Fs.Image.TryRead((long)blk * g.BlockSize, (int)g.BlockSize, out var data))
        {
            ctx.Report("PR_1_READ_EA_BLOCK", 1, $"error reading extended attribute block {blk} for inode {ino}", ino: ino, block: blk);
            return 0;
        }
        var header = new XattrHeaderView(data);
        bool headerOk = (header.h_magic == XattrMagic || header.h_magic == XattrMagicV1) && header.h_blocks == 1;
        // libext2fs reports a checksum failure only for a block whose header it accepts.
        bool failedCsum = headerOk && ctx.MetadataCsum && !header.VerifyCsum(ctx.Fs.ChecksumSeed, blk);
        if (header.h_magic != XattrMagic) ctx.Report("PR_1_BAD_EA_BLOCK", 1, $"inode {ino} has a bad extended attribute block {blk}", ino: ino, block: blk);
        if (header.h_blocks != 1) ctx.Report("PR_1_EA_MULTI_BLOCK", 1, $"extended attribute block {blk} has h_blocks > 1", ino: ino, block: blk);
        ulong quota = EaEntries(ctx, ino, inode, blk, data);
        // Asked once the block's other problems were declined, as check_ext_attr does.
        if (failedCsum) ctx.InodeCsumFailed.Set(ino);
        if (failedCsum)
            ctx.Report("PR_1_EA_BLOCK_ONLY_CSUM_INVALID", 1, $"inode {ino}: extended attribute block {blk} passes checks, but checksum does not match block", ino: ino, block: blk);
        eaRefs[blk] = 1;
        ctx.Claim(blk);
        if (quota != 0) ctx.EaBlockInodeQuota[blk] = quota;
        return 1 + quota;
    }

    /// <summary>check_ext_attr's entry loop: entries and values may not collide, names need an index, values must fit, hashes must match.</summary>
    private static ulong EaEntries(CheckContext ctx, uint ino, InodeView inode, ulong blk, ReadOnlySpan<byte> data)
    {
        Span<byte> used = data.Length <= 65536 ? stackalloc byte[data.Length] : new byte[data.Length];
        used.Clear();
        ulong quota = 0;
        void Problem(string code, string what) => ctx.Report(code, 1, $"extended attribute block {blk} is corrupt ({what})", ino: ino, block: blk);
        if (!XattrChecks.Allocate(used, 0, XattrHeaderSize)) Problem("PR_1_EA_ALLOC_COLLISION", "allocation collision");
        int at = XattrHeaderSize;
        while (at <= data.Length - 4 && BinaryPrimitives.ReadUInt32LittleEndian(data[at..]) != 0)
        {
            int nameLen = data[at];
            if (!XattrChecks.Allocate(used, at, (nameLen + 16 + 3) & ~3)) { Problem("PR_1_EA_ALLOC_COLLISION", "allocation collision"); break; }
            var e = new XattrEntryView(data[at..]);
            if ((byte)e.e_name_index == 0) { Problem("PR_1_EA_BAD_NAME", "invalid name"); break; }
            if (e.e_value_inum == 0)
            {
                if (e.e_value_size > XattrSizeMax || e.e_value_offs + e.e_value_size > (ulong)data.Length) { Problem("PR_1_EA_BAD_VALUE", "invalid value"); break; }
                int size = (int)e.e_value_size;
                if (size != 0 && !XattrChecks.Allocate(used, e.e_value_offs, (size + 3) & ~3)) Problem("PR_1_EA_ALLOC_COLLISION", "allocation collision");
                // The hash reads whole words from the value, padding included, and here e_hash 0 is not exempt.
                var value = data.Slice(e.e_value_offs, Math.Min((size + 3) & ~3, data.Length - e.e_value_offs));
                var entry = data.Slice(at, Math.Min(16 + nameLen, data.Length - at));
                if (e.e_hash != XattrChecks.Hash(entry, value, false) && e.e_hash != XattrChecks.Hash(entry, value, true))
                    ctx.Report("PR_1_ATTR_HASH", 1, $"extended attribute in inode {ino} has a hash ({e.e_hash}) which is invalid", ino: ino, block: blk);
            }
            else
            {
                string? problem = XattrChecks.LargeEaInode(ctx, ino, inode, data[at..], out ulong blocks);
                if (problem is not null) ctx.Report(problem, 1, $"inode {ino}: extended attribute block {blk} names a bad EA inode ({problem})", ino: ino, block: blk);
                quota += blocks;
            }
            at += (nameLen + 16 + 3) & ~3;
        }
        if (!XattrChecks.Allocate(used, at, 4)) Problem("PR_1_EA_ALLOC_COLLISION", "allocation collision");
        return quota;
    }

    /// <summary>
    /// adjust_extattr_refcount at the end of pass 1: each block whose references disagree with h_refcount is read
    /// again, and a read that fails (bad header, bad checksum) is fatal (PR_1_EXTATTR_READ_ABORT).
    /// </summary>
    private static void CheckEaRefcounts(CheckContext ctx, Dictionary<ulong, uint> eaRefs)
    {
        foreach (var (blk, refs) in eaRefs)
        {
            if (!ctx.Fs.Image.TryRead((long)blk * ctx.Geometry.BlockSize, (int)ctx.Geometry.BlockSize, out var data)) continue;
            var header = new XattrHeaderView(data);
            uint stored = header.h_refcount;
            if (stored == refs) continue;
            bool headerOk = (header.h_magic == XattrMagic || header.h_magic == XattrMagicV1) && header.h_blocks == 1;
            if (!headerOk || (ctx.MetadataCsum && !header.VerifyCsum(ctx.Fs.ChecksumSeed, blk)))
            {
                ctx.Report("PR_1_EXTATTR_READ_ABORT", 1, $"error reading extended attribute block {blk} ({(headerOk ? "checksum does not match" : "bad header")})", block: blk, counts: false);
                throw ctx.Abort($"error reading extended attribute block {blk}");
            }
            ctx.Report("PR_1_EXTATTR_REFCOUNT", 1, $"extended attribute block {blk} has reference count {stored}, should be {refs}", block: blk);
        }
    }
}

/// <summary>A directory block for pass 2: (0, 0) stands for an inline directory.</summary>
internal readonly record struct DirBlock(uint Ino, ulong Logical, ulong Physical);
