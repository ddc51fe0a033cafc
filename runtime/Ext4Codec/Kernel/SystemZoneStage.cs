using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Kernel;

/// <summary>
/// ext4_setup_system_zone and ext4_protect_reserved_inode (fs/ext4/block_validity.c): every group's base metadata,
/// bitmaps and inode table, then the journal inode's blocks, each piece as ext4_map_blocks returns it.
/// </summary>
internal static class SystemZoneStage
{
    /// <summary>Beyond this many groups the zones are not modelled (their memory would grow with a hostile group count).</summary>
    private const uint MaxGroups = 1 << 20;

    public static bool Setup(SbInfo sbi, MountLog log)
    {
        if (sbi.s_groups_count > MaxGroups)
        {
            sbi.Context.Note("block_validity zones are not modelled beyond " + MountLog.U(MaxGroups) + " groups: no overlap is assumed");
            return true;
        }
        var zone = new SystemZone();
        for (uint i = 0; i < sbi.s_groups_count; i++)
        {
            ulong meta = sbi.NumBaseMetaBlocks(i);
            if (meta != 0 && !zone.Add(sbi.GroupFirstBlock(i), meta, 0)) return Failed(log, Errno.EUCLEAN, "K_SYSTEM_ZONE_OVERLAP", null);
            var gdp = sbi.GroupDesc(i);
            if (!zone.Add(gdp.bg_block_bitmap, 1, 0) || !zone.Add(gdp.bg_inode_bitmap, 1, 0) || !zone.Add(gdp.bg_inode_table, sbi.s_itb_per_group, 0))
                return Failed(log, Errno.EUCLEAN, "K_SYSTEM_ZONE_OVERLAP", null);
        }
        uint ino = sbi.es.s_journal_inum;
        if (sbi.Has(Ext4FeatureCompat.COMPAT_HAS_JOURNAL) && ino != 0 && !ProtectReservedInode(sbi, log, zone, ino)) return false;
        sbi.s_system_blks = zone;
        return true;
    }

    /// <summary>ext4_protect_reserved_inode: the journal inode's mapped blocks below i_size join the zones under its number.</summary>
    private static bool ProtectReservedInode(SbInfo sbi, MountLog log, SystemZone zone, uint ino)
    {
        if (ino < 2 || ino > sbi.es.s_inodes_count) return Failed(log, Errno.EINVAL, "K_SYSTEM_ZONE_OVERLAP", null);
        // A loaded journal keeps its inode in memory; without one (noload) it is looked up again, with every check.
        var loaded = sbi.s_journal?.Inode;
        KernelInode inode;
        if (loaded is not null && loaded.Ino == ino) inode = loaded;
        else
        {
            var r = KernelIget.Special(sbi, log, ino);
            if (r.Inode is null) return Failed(log, r.Failure.Errno, r.Failure.CheckId, r.Failure.Line);
            inode = r.Inode;
        }
        // The journal's own blocks are exempt from validity checks once the journal is loaded (journal->j_inode).
        bool exempt = loaded is not null && loaded.Ino == ino;
        ulong num = ((ulong)inode.i_size + sbi.s_blocksize - 1) >> sbi.s_blocksize_bits;
        if (!Pieces(sbi, log, inode, num, exempt, out var pieces, out string mapError))
            return Failed(log, Errno.EUCLEAN, "K_JNL_BLOCKS_OVERLAP_SYSTEM_ZONE", mapError.Length == 0 ? null : mapError);
        foreach (var piece in pieces)
        {
            if (!exempt && !sbi.InodeBlockValid(ino, piece.Physical, piece.Length))
            {
                string line = MountLog.InodeError(ino, piece.Physical, "lblock " + MountLog.U(piece.Logical) + " mapped to illegal pblock " + MountLog.U(piece.Physical) + " (length " + MountLog.U(piece.Length) + ")");
                sbi.Ext4Error(log, line);
                return Failed(log, Errno.EUCLEAN, "K_JNL_BLOCKS_OVERLAP_SYSTEM_ZONE", line);
            }
            if (!zone.Add(piece.Physical, piece.Length, ino))
            {
                string line = MountLog.InodeError(ino, 0, "blocks " + MountLog.U(piece.Physical) + "-" + MountLog.U(piece.Physical + piece.Length - 1) + " from inode overlap system zone");
                sbi.Ext4Error(log, line);
                return Failed(log, Errno.EUCLEAN, "K_JNL_BLOCKS_OVERLAP_SYSTEM_ZONE", line);
            }
        }
        return true;
    }

    /// <summary>
    /// The runs ext4_map_blocks returns for logical blocks below <paramref name="num"/>: an indirect map stops at the
    /// end of each indirect block's span (ext4_block_to_path's boundary); extents that continue each other logically
    /// and physically come back as one run from the extent status cache. Without a loaded journal the pointers in
    /// indirect blocks are checked as they are read (ext4_check_indirect_blockref).
    /// </summary>
    private static bool Pieces(SbInfo sbi, MountLog log, KernelInode inode, ulong num, bool exempt, out List<ExtentRecord> pieces, out string error)
    {
        pieces = [];
        error = "";
        if (inode.HasInlineData || num == 0) return true;
        if (sbi.Context.FileSystem is not { } fs || !sbi.Disk.TryRead(inode.Offset, (int)sbi.s_inode_size, out var raw)) return true;
        MapCollector map;
        try
        {
            map = MapCollector.Collect(fs, inode.Ino, new InodeView(raw));
        }
        catch (CorruptDataException)
        {
            sbi.Context.Note("the journal inode's block map is malformed: the system zone fails there (the kernel prints its own extent or block error first)");
            return false;
        }
        bool extents = inode.Has(Ext4InodeFlags.EXTENTS_FL);
        if (!extents && !exempt && !IndirectRefsValid(sbi, log, inode.Ino, map.MapBlocks, out error)) return false;
        ulong perBlock = sbi.s_blocksize / 4;
        foreach (var e in map.Extents)
        {
            if (e.Logical >= num) break;
            uint length = (uint)Math.Min(e.Length, num - e.Logical);
            if (extents) AddMerged(pieces, e with { Length = length });
            else SplitAtBoundaries(pieces, e.Logical, e.Physical, length, perBlock);
        }
        return true;
    }

    private static void AddMerged(List<ExtentRecord> pieces, ExtentRecord e)
    {
        if (pieces.Count > 0 && pieces[^1] is var last && last.Logical + last.Length == e.Logical && last.Physical + last.Length == e.Physical
            && last.Unwritten == e.Unwritten && (ulong)last.Length + e.Length <= uint.MaxValue)
            pieces[^1] = last with { Length = last.Length + e.Length };
        else pieces.Add(e);
    }

    /// <summary>Indirect maps end a run at logical block 12 and then every <paramref name="perBlock"/> blocks.</summary>
    private static void SplitAtBoundaries(List<ExtentRecord> pieces, ulong logical, ulong physical, uint length, ulong perBlock)
    {
        while (length > 0)
        {
            ulong boundary = logical < 12 ? 12 : 12 + ((logical - 12) / perBlock + 1) * perBlock;
            uint take = (uint)Math.Min(length, boundary - logical);
            pieces.Add(new ExtentRecord(logical, take, physical, false));
            logical += take;
            physical += take;
            length -= take;
        }
    }

    private static bool IndirectRefsValid(SbInfo sbi, MountLog log, uint ino, List<ulong> mapBlocks, out string error)
    {
        error = "";
        foreach (ulong block in mapBlocks)
        {
            if (!sbi.Disk.TryReadBlock(block, sbi.s_blocksize, out var data)) continue;
            for (int i = 0; i + 4 <= data.Length; i += 4)
            {
                uint blk = BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
                if (blk != 0 && !sbi.InodeBlockValid(ino, blk, 1))
                {
                    error = MountLog.InodeError(ino, blk, "invalid block");
                    sbi.Ext4Error(log, error);
                    return false;
                }
            }
        }
        return true;
    }

    private static bool Failed(MountLog log, string errno, string checkId, string? line)
    {
        string zone = "failed to initialize system zone (-" + MountLog.D(Errno.Number(errno)) + ")";
        log.Add(zone);
        log.Add("mount failed");
        return log.Refuse(checkId, errno, line ?? zone);
    }
}
