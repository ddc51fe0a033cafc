using System;
using System.Collections.Generic;
using Ext4Codec.Directories;
using Ext4Codec.Editing;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Journal;

namespace Ext4Codec.FastCommit;

/// <summary>
/// Replays the fast commits the scan accepted onto an image jbd2 has already replayed, tag by tag with the
/// kernel's semantics (K fs/ext4/fast_commit.c ext4_fc_replay_*; format-notes §6): ADD_RANGE and DEL_RANGE
/// edit the inode's extent map, INODE copies the logged inode over the slot except i_block (kept unless the
/// inode is inline), CREAT/LINK/UNLINK edit directories, and at the end every block of every modified inode is
/// marked in the bitmaps (ext4_fc_set_bitmaps_and_counters). Where Linux 6.18's replay is wrong it replays
/// correctly and says so in <see cref="FcReplayReport.Deviations"/>: a directory's link counts are recounted,
/// an rmdir frees the directory, a LINK or CREAT that precedes its inode's INODE record waits for it, and
/// ranges logged while a file turns from inline data into extents are kept.
/// </summary>
public sealed class FcReplayer
{
    private readonly FsEditor _editor;
    private readonly MapCache _maps;
    private readonly DirectoryEditor _dirs;
    private readonly List<ExtentRecord> _released = [];
    private readonly HashSet<uint> _recountDirs = [];
    private readonly Dictionary<uint, List<FcRecord>> _waiting = [];
    private readonly FcReplayReport _report = new();
    private readonly JournalStore _store;

    private FcReplayer(Ext4FileSystem fs, JournalStore store)
    {
        _editor = new FsEditor(fs);
        _maps = new MapCache(_editor);
        _dirs = new DirectoryEditor(_editor, _maps, _released);
        _store = store;
    }

    /// <summary>Applies the scan's replayed records to <paramref name="fs"/> (opened writable).</summary>
    /// <param name="store">The journal the records were read from (for INODE records' raw bytes).</param>
    /// <exception cref="EditRefusedException">A record cannot be replayed; the image is then partly changed and must be discarded.</exception>
    /// <exception cref="CorruptDataException">Metadata the replay must read is malformed.</exception>
    public static FcReplayReport Replay(Ext4FileSystem fs, JournalStore store, FcScan scan)
    {
        var replayer = new FcReplayer(fs, store);
        replayer.Run(scan);
        return replayer._report;
    }

    private void Run(FcScan scan)
    {
        int count = Math.Min(scan.ReplayTags, scan.Records.Count);
        for (int i = 0; i < count; i++)
            if (scan.Records[i].Tag == FcTag.ADD_RANGE) _editor.Exclude(scan.Records[i].Pblk, scan.Records[i].Len);
        for (int i = 0; i < count; i++)
        {
            var r = scan.Records[i];
            switch (r.Tag)
            {
                case FcTag.ADD_RANGE: AddRange(r); break;
                case FcTag.DEL_RANGE: DelRange(r); break;
                case FcTag.INODE: Inode(r); break;
                case FcTag.CREAT: Create(r, waited: false); break;
                case FcTag.LINK: Link(r, waited: false); break;
                case FcTag.UNLINK: Unlink(r); break;
                case FcTag.CREAT_DEV: CreateDevice(r, waited: false); break;
                case FcTag.HEAD or FcTag.PAD or FcTag.TAIL: break;
                default: throw new EditRefusedException($"record {i} has tag {(ushort)r.Tag}, which replay does not know (ECANCELED)");
            }
            _report.Replayed++;
        }
        foreach (var (ino, records) in _waiting)
        {
            foreach (var r in records)
            {
                if (r.Tag is FcTag.CREAT or FcTag.CREAT_DEV)
                    throw new EditRefusedException($"{r.Tag} of '{NameText.Escape(r.Name)}' names inode {ino}, which no replayed INODE record makes valid (the kernel fails the mount with EINVAL)");
                _report.Notes.Add(r.Tag == FcTag.LINK
                    ? $"LINK '{NameText.Escape(r.Name)}' in directory {r.ParentIno} skipped: inode {ino} never becomes valid"
                    : $"{r.Tag} {r.Lblk}+{r.Len} skipped: inode {ino} never becomes valid");
            }
        }
        Finish();
    }

    /// <summary>What ext4_iget(EXT4_IGET_NORMAL) accepts: a number in range, not a reserved inode other than the root, with a mode and links.</summary>
    private bool Exists(uint ino)
    {
        if (!InRange(ino)) return false;
        if (ino < _editor.Geometry.FirstInode && ino != 2) return false;
        var inode = _editor.ReadInode(ino);
        return inode.i_links_count != 0 && inode.i_mode != 0;
    }

    private bool InRange(uint ino) => ino >= 1 && ino <= _editor.Geometry.InodesCount;

    private bool IsDir(uint ino) => (_editor.ReadInode(ino).i_mode & 0xF000) == (ushort)Ext4InodeType.S_IFDIR;

    private void AddRange(FcRecord r, bool waited = false)
    {
        if (!Exists(r.Ino))
        {
            if (!waited) Wait(r);
            return;
        }
        var inode = _editor.ReadInode(r.Ino);
        var map = _maps.Get(r.Ino);
        if ((inode.i_flags & Ext4InodeFlags.INLINE_DATA_FL) != 0)
            _report.Deviations.Add($"inode {r.Ino}: range {r.Lblk}+{r.Len} logged while the file was still inline is kept (Linux 6.18 loses it and the file reads as zeros)");
        map.Add(new ExtentRecord(r.Lblk, r.Len, r.Pblk, r.Unwritten), _released);
    }

    private void DelRange(FcRecord r, bool waited = false)
    {
        if (!Exists(r.Ino))
        {
            if (!waited) Wait(r);
            return;
        }
        _maps.Get(r.Ino).Remove(r.Lblk, r.Len, _released);
    }

    /// <summary>ext4_fc_replay_inode: the logged inode over the slot, i_block kept unless inline; the inode marked in use.</summary>
    private void Inode(FcRecord r)
    {
        if (!InRange(r.Ino) || (r.Ino < _editor.Geometry.FirstInode && r.Ino != 2))
        {
            _report.Notes.Add($"INODE for inode {r.Ino} skipped: not a usable inode number");
            return;
        }
        if (!_store.TryRead(r.JournalBlock, out var block) || r.Offset + 4 + r.Length > block.Length)
            throw new EditRefusedException($"INODE record at journal block {r.JournalBlock} offset {r.Offset} cannot be read again");
        var raw = block.Slice(r.Offset + 4 + 4, r.Length - 4);
        bool existed = Exists(r.Ino);
        if (!_maps.Contains(r.Ino)) _maps.Get(r.Ino, loadFromDisk: existed);

        var slot = _editor.Inode(r.Ino).Data;
        int length = Math.Min(raw.Length, slot.Length);
        const int iBlock = InodeLayout.Offsets.i_block, iGeneration = InodeLayout.Offsets.i_generation;
        raw[..iBlock].CopyTo(slot);
        if (length > iGeneration) raw[iGeneration..length].CopyTo(slot[iGeneration..]);
        var flags = new InodeView(slot).i_flags;
        if ((flags & Ext4InodeFlags.INLINE_DATA_FL) != 0)
        {
            raw.Slice(iBlock, 60).CopyTo(slot[iBlock..]);
            _maps.Reset(r.Ino, _released);
        }
        _editor.SetInode(r.Ino, true);
        Resume(r.Ino);
    }

    /// <summary>Dentry records that named this inode before it was valid.</summary>
    private void Resume(uint ino)
    {
        if (!_waiting.Remove(ino, out var records)) return;
        foreach (var w in records)
        {
            _report.Deviations.Add(w.Tag is FcTag.ADD_RANGE or FcTag.DEL_RANGE
                ? $"{w.Tag} {w.Lblk}+{w.Len} of inode {ino} applied after the inode's INODE record (Linux 6.18 drops it: the inode was not valid yet)"
                : $"{w.Tag} '{NameText.Escape(w.Name)}' → inode {ino} applied after the inode's INODE record (Linux 6.18 drops the name)");
            switch (w.Tag)
            {
                case FcTag.CREAT: Create(w, waited: true); break;
                case FcTag.CREAT_DEV: CreateDevice(w, waited: true); break;
                case FcTag.LINK: Link(w, waited: true); break;
                case FcTag.ADD_RANGE: AddRange(w, waited: true); break;
                default: DelRange(w, waited: true); break;
            }
        }
    }

    private void Wait(FcRecord r)
    {
        if (!_waiting.TryGetValue(r.Ino, out var list)) _waiting[r.Ino] = list = [];
        list.Add(r);
    }

    /// <summary>ext4_fc_replay_create: inode in use, "." and ".." for a directory, the entry, nlink 1 (a directory's is recounted instead).</summary>
    private void Create(FcRecord r, bool waited)
    {
        if (!InRange(r.Ino) || r.Ino < _editor.Geometry.FirstInode)
            throw new EditRefusedException($"CREAT names inode {r.Ino}, outside the usable inodes (the kernel fails the mount with EFSCORRUPTED)");
        _editor.SetInode(r.Ino, true);
        if (!Exists(r.Ino))
        {
            if (!waited) Wait(r);
            return;
        }
        bool dir = IsDir(r.Ino);
        if (dir)
        {
            if (!Exists(r.ParentIno)) return;
            if (!_dirs.HasBody(r.Ino))
            {
                if ((_editor.ReadInode(r.Ino).i_flags & Ext4InodeFlags.INDEX_FL) != 0)
                    _report.Deviations.Add($"directory {r.Ino} became indexed after its creation in the fast commits, but its blocks are not logged: it is rebuilt as a linear directory (Linux 6.18 fails the mount: \"Directory has corrupted htree index\")");
                _dirs.InitDirectory(r.Ino, r.ParentIno);
            }
            _recountDirs.Add(r.Ino);
            _recountDirs.Add(r.ParentIno);
            _report.Deviations.Add($"directory {r.Ino} created in a fast commit: its and its parent {r.ParentIno}'s link counts are recounted (Linux 6.18 sets nlink 1 and leaves the parent's)");
        }
        if (Exists(r.ParentIno) && IsDir(r.ParentIno)) _dirs.Add(r.ParentIno, r.Name, r.Ino, _editor.ReadInode(r.Ino).i_mode);
        if (!dir) _editor.Inode(r.Ino).i_links_count = 1;
    }

    /// <summary>
    /// CREAT_DEV (proposals fc_feature and sb_incompat): like CREAT for a special inode, and what INODE replay cannot
    /// do for one: the record's mode, and the device number in i_block as ext4_do_update_inode stores it (the old
    /// encoding in i_block[0] when major and minor are below 256, else 0 there and the new encoding in i_block[1]).
    /// </summary>
    private void CreateDevice(FcRecord r, bool waited)
    {
        if (!InRange(r.Ino) || r.Ino < _editor.Geometry.FirstInode)
            throw new EditRefusedException($"CREAT_DEV names inode {r.Ino}, outside the usable inodes");
        uint type = r.Mode & 0xF000u;
        if (type is not ((uint)Ext4InodeType.S_IFCHR or (uint)Ext4InodeType.S_IFBLK or (uint)Ext4InodeType.S_IFIFO or (uint)Ext4InodeType.S_IFSOCK))
            throw new EditRefusedException($"CREAT_DEV of '{NameText.Escape(r.Name)}' has mode 0{Convert.ToString(r.Mode, 8)}, not a device, FIFO or socket");
        _editor.SetInode(r.Ino, true);
        if (!Exists(r.Ino))
        {
            if (!waited) Wait(r);
            return;
        }
        _maps.Reset(r.Ino, _released);
        var inode = _editor.Inode(r.Ino);
        inode.i_mode = r.Mode;
        inode.i_flags &= ~(Ext4InodeFlags.EXTENTS_FL | Ext4InodeFlags.INLINE_DATA_FL | Ext4InodeFlags.INDEX_FL);
        for (int i = 0; i < 15; i++) inode.Set_i_block(i, 0);
        uint major = (r.Rdev >> 8) & 0xFFF, minor = (r.Rdev & 0xFF) | ((r.Rdev >> 12) & 0xFFF00);
        if (major < 256 && minor < 256) inode.Set_i_block(0, (major << 8) | minor);
        else inode.Set_i_block(1, r.Rdev);
        if (Exists(r.ParentIno) && IsDir(r.ParentIno)) _dirs.Add(r.ParentIno, r.Name, r.Ino, r.Mode);
        else _report.Notes.Add($"CREAT_DEV '{NameText.Escape(r.Name)}': directory {r.ParentIno} not found, the inode is made but not named");
        inode.i_links_count = 1;
    }

    /// <summary>ext4_fc_replay_link: the entry, and one more link unless the name exists (EEXIST).</summary>
    private void Link(FcRecord r, bool waited)
    {
        if (!Exists(r.Ino))
        {
            if (!waited) Wait(r);
            return;
        }
        if (!Exists(r.ParentIno) || !IsDir(r.ParentIno))
        {
            _report.Notes.Add($"LINK '{NameText.Escape(r.Name)}' skipped: directory {r.ParentIno} not found");
            return;
        }
        if (!_dirs.Add(r.ParentIno, r.Name, r.Ino, _editor.ReadInode(r.Ino).i_mode))
        {
            _report.Notes.Add($"LINK '{NameText.Escape(r.Name)}' in directory {r.ParentIno}: the name exists already (EEXIST)");
            return;
        }
        // A waited-for LINK comes after the INODE record, whose link count already includes it.
        if (!waited) _editor.Inode(r.Ino).i_links_count++;
    }

    /// <summary>ext4_fc_replay_unlink → __ext4_unlink: the entry goes if it still names the inode; the inode loses a link either way, and is deleted at none.</summary>
    private void Unlink(FcRecord r)
    {
        if (!Exists(r.Ino) || !Exists(r.ParentIno) || !IsDir(r.ParentIno))
        {
            _report.Notes.Add($"UNLINK '{NameText.Escape(r.Name)}' skipped: inode {r.Ino} or directory {r.ParentIno} not found");
            return;
        }
        uint named = _dirs.Lookup(r.ParentIno, r.Name);
        if (named == 0)
        {
            _report.Notes.Add($"UNLINK '{NameText.Escape(r.Name)}' in directory {r.ParentIno}: no such entry (ENOENT)");
            return;
        }
        if (named == r.Ino) _dirs.Remove(r.ParentIno, r.Name);
        else _report.Notes.Add($"UNLINK '{NameText.Escape(r.Name)}' in directory {r.ParentIno}: the entry names inode {named}, kept; inode {r.Ino} still loses a link");

        var inode = _editor.Inode(r.Ino);
        if (IsDir(r.Ino))
        {
            _report.Deviations.Add($"rmdir of directory {r.Ino}: it is freed and directory {r.ParentIno}'s link count recounted (Linux 6.18 leaves it allocated with nlink 1 and the parent's count unchanged)");
            _recountDirs.Add(r.ParentIno);
            inode.i_links_count = 0;
        }
        else if (inode.AsView().i_links_count > 0)
        {
            inode.i_links_count--;
        }
        if (inode.AsView().i_links_count == 0) Delete(r.Ino);
    }

    /// <summary>What iput does to an inode without links (ext4_evict_inode): blocks and xattr block released, inode freed.</summary>
    private void Delete(uint ino)
    {
        _maps.Reset(ino, _released);
        var inode = _editor.Inode(ino);
        ulong acl = inode.AsView().i_file_acl;
        if (acl != 0) ReleaseXattrBlock(acl);
        inode.i_file_acl = 0;
        inode.i_size = 0;
        inode.i_blocks = 0;
        inode.i_dtime = _editor.Fs.SuperBlock.s_wtime;
        _editor.SetInode(ino, false);
        _recountDirs.Remove(ino);
    }

    /// <summary>ext4_xattr_release_block: one reference fewer; the block is freed with the last.</summary>
    private void ReleaseXattrBlock(ulong block)
    {
        if (block >= _editor.Geometry.BlocksCount) return;
        var data = _editor.Block(block, "ext4_xattr_header");
        var header = new XattrHeaderWriter(data);
        if (header.AsView().h_magic != 0xEA020000) return;
        if (header.AsView().h_refcount > 1)
        {
            header.h_refcount--;
            if (_editor.MetadataCsum) header.ResealCsum(_editor.Fs.ChecksumSeed, block);
            return;
        }
        _released.Add(new ExtentRecord(0, 1, block, false));
    }

    /// <summary>Directory sizes, extent trees, bitmaps (ext4_fc_set_bitmaps_and_counters), i_blocks, directory link counts, then every checksum.</summary>
    private void Finish()
    {
        var nodes = _maps.StoreAll(_released);
        foreach (var r in _released) _editor.SetBlocks(r.Physical, r.Length, used: false);
        foreach (uint ino in _maps.Inodes)
        {
            if (!Exists(ino)) continue;
            var map = _maps.Get(ino);
            foreach (var run in map.Runs) _editor.SetBlocks(run.Physical, run.Length, used: true);
            foreach (ulong b in nodes[ino]) _editor.SetBlocks(b, 1, used: true);
            SetBlocksCount(ino, map.MappedBlocks + (ulong)nodes[ino].Count);
        }
        foreach (uint dir in _recountDirs)
        {
            if (Exists(dir) && IsDir(dir)) RecountLinks(dir);
        }
        _editor.Commit();
    }

    /// <summary>i_blocks as e2fsck counts it: data and tree blocks plus the xattr block, in 512-byte units (blocks with HUGE_FILE_FL).</summary>
    private void SetBlocksCount(uint ino, ulong blocks)
    {
        var inode = _editor.Inode(ino);
        if (inode.AsView().i_file_acl != 0) blocks++;
        bool huge = (inode.AsView().i_flags & Ext4InodeFlags.HUGE_FILE_FL) != 0;
        inode.i_blocks = huge ? blocks : blocks * (ulong)(_editor.BlockSize / 512);
    }

    /// <summary>A directory's nlink: 2 plus its subdirectories; 1 past EXT4_LINK_MAX with dir_nlink.</summary>
    private void RecountLinks(uint dir)
    {
        uint subdirs = 0;
        foreach (var entry in DirectoryReader.ReadAll(_editor.Fs, dir, _editor.ReadInode(dir)))
        {
            if (entry.Name is [(byte)'.'] or [(byte)'.', (byte)'.']) continue;
            if (entry.Inode <= _editor.Geometry.InodesCount && IsDir(entry.Inode)) subdirs++;
        }
        ulong links = 2ul + subdirs;
        if (links >= 65000 && _editor.Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_DIR_NLINK)) links = 1;
        _editor.Inode(dir).i_links_count = (ushort)Math.Min(links, 65000);
    }
}
