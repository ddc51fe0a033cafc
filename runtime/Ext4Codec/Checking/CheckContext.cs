using System;
using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Checking;

/// <summary>Thrown to stop the passes where e2fsck -n stops ("aborted", or a fatal problem answered "no").</summary>
internal sealed class FsckAbort(string reason) : Exception(reason);

/// <summary>
/// The state e2fsck keeps between passes (e2fsck_t): blocks claimed so far, inodes in use and which are
/// directories, link counts found in directory entries, each directory's parent and "..", and the findings.
/// </summary>
internal sealed class CheckContext
{
    public CheckContext(Ext4FileSystem fs, FsckResult result, FsckOptions options)
    {
        Fs = fs;
        Options = options;
        Geometry = fs.Geometry;
        Result = result;
        MetadataCsum = Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM);
        var sb = fs.SuperBlock;
        Hurd = sb.s_creator_os == Ext4CreatorOs.OS_HURD;
        HashSeed = sb.s_hash_seed.ToArray();
        GroupCsum = MetadataCsum || Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_GDT_CSUM);
        InlineDataFs = Geometry.Has(Ext4FeatureIncompat.INCOMPAT_INLINE_DATA);
        BlockFound = new Bitset(Geometry.BlocksCount);
        BlockMetadata = new Bitset(Geometry.BlocksCount);
        BlockDup = new Bitset(Geometry.BlocksCount);
        ulong inodes = (ulong)Geometry.InodesCount + 1;
        InodeUsed = new Bitset(inodes);
        InodeDir = new Bitset(inodes);
        InodeBad = new Bitset(inodes);
        InodeBadMap = new Bitset(inodes);
        InodeCsumFailed = new Bitset(inodes);
        LinksFound = new int[inodes];
        FileType = new Ext4FileType[inodes];
        LinksOnDisk = new ushort[inodes];
    }

    public Ext4FileSystem Fs { get; }

    public FsckOptions Options { get; }

    /// <summary>The shared whiteout under proposal static_whiteout (when the checker knows the proposal), or 0.</summary>
    public uint SharedWhiteout { get; set; }
    public Geometry Geometry { get; }
    public FsckResult Result { get; }

    /// <summary>metadata_csum or gdt_csum: BLOCK_UNINIT, INODE_UNINIT and bg_itable_unused mean something.</summary>
    public bool GroupCsum { get; }

    public bool MetadataCsum { get; }

    /// <summary>inlinedata_fs: the inline_data feature, until pass 1 meets the flag without it (then off for the rest of the pass).</summary>
    public bool InlineDataFs { get; set; }

    /// <summary>Made by the Hurd (s_creator_os): no file types in entries, no i_blocks check.</summary>
    public bool Hurd { get; }

    /// <summary>s_hash_seed, read once for the htree name hashes.</summary>
    public byte[] HashSeed { get; }

    /// <summary>block_found_map: every block claimed by metadata or an inode.</summary>
    public Bitset BlockFound { get; }
    /// <summary>block_metadata_map: superblocks, descriptors, bitmaps, inode tables.</summary>
    public Bitset BlockMetadata { get; }
    /// <summary>block_dup_map: blocks claimed twice.</summary>
    public Bitset BlockDup { get; }
    public Bitset InodeUsed { get; }
    public Bitset InodeDir { get; }
    /// <summary>Inodes pass 1 found broken beyond checking their contents (pass 2 does not read them).</summary>
    public Bitset InodeBad { get; }
    /// <summary>In-use inodes whose checksum fails: pass 2 stops where e2fsck must read one of them again.</summary>
    public Bitset InodeCsumFailed { get; }
    /// <summary>inode_bad_map: inodes with fields pass 2's process_bad_inode asks about, for every entry that names them.</summary>
    public Bitset InodeBadMap { get; }
    /// <summary>For each inode in use, the file type its entries must carry (pass 2 checks it without rereading the inode).</summary>
    public Ext4FileType[] FileType { get; }
    /// <summary>inode_link_info: each in-use inode's i_links_count, for pass 4.</summary>
    public ushort[] LinksOnDisk { get; }
    /// <summary>inode_count: entries naming each inode, "." and ".." included.</summary>
    public int[] LinksFound { get; }

    /// <summary>Directories in use, in inode order, with the entry that names them and their "..".</summary>
    public Dictionary<uint, DirInfo> Dirs { get; } = [];

    /// <summary>Blocks the EA inode values named by each xattr block charge every inode that shares it (ea_block_quota_blocks).</summary>
    public Dictionary<ulong, ulong> EaBlockInodeQuota { get; } = [];

    /// <summary>Directories flagged INDEX_FL (e2fsck's dx_dir_info), by inode.</summary>
    public Dictionary<uint, DxDir> DxDirs { get; } = [];

    /// <summary>Indexed directories deeper than two levels or past 2 GiB (ctx->large_dirs).</summary>
    public int LargeDirs { get; set; }

    /// <summary>Directories pass 2 found a duplicate name in, for pass 3A (ctx->dirs_to_hash).</summary>
    public SortedSet<uint> DirsToRehash { get; } = [];

    public void Report(Finding finding)
    {
        Result.Findings.Add(finding);
        if (finding.CountsAsError) Result.ErrorsLeft = true;
    }

    public void Report(string code, int pass, string message, uint? ino = null, ulong? block = null, uint? group = null, long? offset = null, bool counts = true)
        => Report(new Finding(code, pass, message) { Inode = ino, Block = block, Group = group, Offset = offset, CountsAsError = counts });

    /// <summary>Stops every later pass, as e2fsck's fatal_error or "e2fsck: aborted" does (exit bit 8).</summary>
    public FsckAbort Abort(string reason)
    {
        Result.OperationalError = true;
        Result.AbortReason = reason;
        return new FsckAbort(reason);
    }

    /// <summary>
    /// A fatal stop before e2fsck marks the filesystem valid (or after a problem it counts): exit 12, both bits.
    /// </summary>
    public FsckAbort AbortInvalid(string reason)
    {
        Result.ErrorsLeft = true;
        return Abort(reason);
    }

    /// <summary>ext2fs_file_acl_block: the high half counts only with 64bit.</summary>
    public ulong FileAcl(InodeView inode) => Geometry.Has(Ext4FeatureIncompat.INCOMPAT_64BIT) ? inode.i_file_acl : inode.i_file_acl_lo;

    /// <summary>An inode by number, as ext2fs_read_inode finds it: false for a number out of range or a slot outside the image.</summary>
    public bool TryReadInode(uint ino, out InodeView inode)
    {
        inode = default;
        if (ino == 0 || ino > Geometry.InodesCount) return false;
        long at;
        try { at = Fs.InodeOffset(ino); }
        catch (CorruptDataException) { return false; }
        if (!Fs.Image.TryRead(at, (int)Geometry.InodeSize, out var bytes)) return false;
        inode = new InodeView(bytes);
        return true;
    }

    public bool IsValidBlock(ulong block) => block >= Geometry.FirstDataBlock && block < Geometry.BlocksCount;

    /// <summary>mark_block_used: claims a block; a second claim makes it multiply-claimed (pass 1B).</summary>
    public void Claim(ulong block)
    {
        if (BlockFound.Set(block)) BlockDup.Set(block);
    }
}

/// <summary>e2fsck's dir_info: the directory whose entry names this one (0 = none yet), and what its ".." says.</summary>
internal struct DirInfo
{
    public uint Parent;
    public uint DotDot;
}
