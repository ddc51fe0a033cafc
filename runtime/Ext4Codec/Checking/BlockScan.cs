using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;

namespace Ext4Codec.Checking;

/// <summary>
/// One inode's block map walked as e2fsck's check_blocks does (pass1.c scan_extent_node, process_block): every
/// mapped block checked against the filesystem, claimed, counted; the highest logical block and the highest
/// initialised one kept for the size checks. Unlike the reader it goes on past a bad entry, reporting it.
/// </summary>
internal sealed class BlockScan(CheckContext ctx)
{
    private const int MaxDepth = 5;
    private readonly CheckContext _ctx = ctx;
    private uint _ino;
    private bool _isDir;
    private bool _claim;
    private bool _resize;
    private ulong _budget;
    private uint _seed;
    private bool _tryRepairs;

    /// <summary>Blocks (clusters) the map holds: data and mapping blocks.</summary>
    public ulong NumBlocks { get; private set; }
    public long LastBlock { get; private set; }
    public long LastInitBlock { get; private set; }
    public bool Broken { get; private set; }
    /// <summary>The map named a block outside the filesystem.</summary>
    public bool Illegal { get; private set; }
    /// <summary>Multiply-claimed blocks met while rescanning (pass 1B), when collecting.</summary>
    public List<ulong>? Dups { get; set; }
    /// <summary>Directory blocks (logical, physical), when collecting for pass 2.</summary>
    public List<(ulong Logical, ulong Physical)>? DirBlocks { get; set; }

    /// <param name="claim">Claim blocks in block_found_map (pass 1); false only looks (pass 1B).</param>
    public void Scan(uint ino, InodeView inode, bool claim)
    {
        _ino = ino;
        _isDir = InodeFacts.Type(inode) == Ext4InodeType.S_IFDIR;
        _claim = claim;
        _resize = ino == 7;
        _seed = _ctx.MetadataCsum ? _ctx.Fs.InodeChecksumSeed(ino, inode.i_generation) : 0;
        _budget = _ctx.Geometry.BlocksCount + 16;
        NumBlocks = 0;
        LastBlock = -1;
        LastInitBlock = -1;
        Broken = false;
        Illegal = false;
        _tryRepairs = true;
        if ((inode.i_flags & Ext4InodeFlags.EXTENTS_FL) != 0) ScanExtents(inode);
        else ScanIndirect(inode);
    }

    /// <summary>
    /// ext2fs_extent_header_verify: the magic, no more entries than room, and eh_max within two of what the node
    /// holds (cap - 2 .. cap, cap = (size - 12) / 12).
    /// </summary>
    private static bool HeaderIsValid(ExtentHeaderView h, int size)
    {
        int cap = (size - 12) / 12;
        return h.eh_magic == 0xF30A && h.eh_entries <= h.eh_max && h.eh_max <= cap && h.eh_max >= cap - 2;
    }

    /// <summary>Reports a problem of the inode's map (not below a node that collides with metadata: try_repairs off there).</summary>
    private void Problem(string code, string message, ulong? block = null)
    {
        if (!_claim || !_tryRepairs) return;
        _ctx.Report(code, 1, $"inode {_ino}: {message}", ino: _ino, block: block);
    }

    private void Use(ulong block)
    {
        NumBlocks++;
        if (_claim) _ctx.Claim(block);
        else if (Dups is not null && _ctx.BlockDup[block]) Dups.Add(block);
    }

    private void ScanExtents(InodeView inode)
    {
        var root = inode.Data.Slice(InodeLayout.Offsets.i_block, 60);
        var header = new ExtentHeaderView(root);
        if (!HeaderIsValid(header, 60) || header.eh_depth > MaxDepth)
        {
            Problem("PR_1_MISSING_EXTENT_HEADER", "the extent tree root in i_block has no valid header");
            Broken = true;
            return;
        }
        ulong next = 0;
        ulong eof = (inode.i_size + _ctx.Geometry.BlockSize - 1) / _ctx.Geometry.BlockSize;
        ScanNode(root, header.eh_depth, 0, ulong.MaxValue, eof, ref next);
    }

    private void ScanNode(ReadOnlySpan<byte> node, int depth, ulong start, ulong end, ulong eof, ref ulong next)
    {
        var header = new ExtentHeaderView(node);
        for (int i = 0; i < header.eh_entries; i++)
        {
            var e = node.Slice(12 + i * 12, 12);
            if (depth == 0)
            {
                var x = new ExtentView(e);
                bool unwritten = x.ee_len > 32768;
                ulong len = unwritten ? x.ee_len - 32768u : x.ee_len;
                ulong lblk = x.ee_block, pblk = x.ee_start;
                ulong last = lblk + len - 1;
                string? code = null;
                if (pblk == 0 || !_ctx.IsValidBlock(pblk)) code = "PR_1_EXTENT_BAD_START_BLK";
                else if (lblk < start) code = "PR_1_OUT_OF_ORDER_EXTENTS";
                else if (end != ulong.MaxValue && len > 0 && last > end && !(last > eof && unwritten)) code = "PR_1_EXTENT_END_OUT_OF_BOUNDS";
                else if (len == 0) code = "PR_1_EXTENT_LENGTH_ZERO";
                else if (pblk + len > _ctx.Geometry.BlocksCount) code = "PR_1_EXTENT_ENDS_BEYOND";
                else if (lblk < next) code = "PR_1_EXTENT_COLLISION";
                if (code is not null)
                {
                    Problem(code, $"extent (logical {lblk}, physical {pblk}, length {len}) is invalid", pblk);
                    continue;
                }
                next = lblk + len;
                if (_isDir && unwritten) Problem("PR_1_UNINIT_DBLOCK", $"directory has an unwritten extent at logical block {lblk}", pblk);
                if (_budget < len) { Broken = true; return; }
                _budget -= len;
                for (ulong b = 0; b < len; b++) Use(pblk + b);
                if (DirBlocks is not null) for (ulong b = 0; b < len; b++) DirBlocks.Add((lblk + b, pblk + b));
                LastBlock = Math.Max(LastBlock, (long)last);
                if (!unwritten) LastInitBlock = Math.Max(LastInitBlock, (long)last);
            }
            else
            {
                var idx = new ExtentIdxView(e);
                ulong lblk = idx.ei_block, child = idx.ei_leaf;
                ulong childEnd = i + 1 < header.eh_entries ? new ExtentIdxView(node.Slice(12 + (i + 1) * 12, 12)).ei_block - 1 : end;
                if (child == 0 || !_ctx.IsValidBlock(child))
                {
                    Problem("PR_1_EXTENT_BAD_START_BLK", $"extent index (logical {lblk}) points at block {child}, outside the filesystem", child);
                    continue;
                }
                if (lblk < start)
                {
                    Problem("PR_1_OUT_OF_ORDER_EXTENTS", $"extent index at logical {lblk} is out of order", child);
                    continue;
                }
                if (_budget == 0) { Broken = true; return; }
                _budget--;
                bool repairs = _tryRepairs;
                // A node inside the inode tables or bitmaps: e2fsck reports it without counting, and stops repairing below it.
                if (_claim && _tryRepairs && _ctx.BlockMetadata[child])
                {
                    _ctx.Report("PR_1_CRITICAL_METADATA_COLLISION", 1, $"inode {_ino} block {child} conflicts with critical metadata, skipping block checks", ino: _ino, block: child, counts: false);
                    _tryRepairs = false;
                }
                var data = _ctx.Fs.Image.TryRead((long)child * _ctx.Geometry.BlockSize, (int)_ctx.Geometry.BlockSize, out var d) ? d : default;
                var h = data.IsEmpty ? default : new ExtentHeaderView(data);
                if (data.IsEmpty || !HeaderIsValid(h, data.Length) || h.eh_depth != depth - 1)
                {
                    // Going down into a bad node with repairs off, or into an empty one, fails the whole iteration:
                    // PR_1_EXTENT_ITERATE_FAILURE declined, then the fatal PR_1_BLOCK_ITERATE.
                    if (!_tryRepairs && _claim) IterationFails(child, "the node's extent header is invalid");
                    Problem("PR_1_EXTENT_HEADER_INVALID", $"extent tree node at block {child} has an invalid header", child);
                    _tryRepairs = repairs;
                    continue;
                }
                if (h.eh_entries == 0 && _claim) IterationFails(child, "No 'down' extent");
                if (h.eh_entries > 0)
                {
                    ulong first = h.eh_depth == 0 ? new ExtentView(data.Slice(12, 12)).ee_block : new ExtentIdxView(data.Slice(12, 12)).ei_block;
                    if (first != lblk) Problem("PR_1_EXTENT_INDEX_START_INVALID", $"extent index at logical {lblk} starts a node whose first key is {first}", child);
                }
                ScanNode(data, depth - 1, lblk, childEnd, eof, ref next);
                // scan_extent_node: a node whose checksum fails but whose entries pass is reported after them.
                if (_ctx.MetadataCsum && !h.VerifyCsum(_seed))
                    Problem("PR_1_EXTENT_ONLY_CSUM_INVALID", $"extent block {child} passes checks, but its checksum does not match", child);
                Use(child);
                start = lblk;
                _tryRepairs = repairs;
            }
        }
    }

    private void IterationFails(ulong child, string why)
    {
        _ctx.Report("PR_1_EXTENT_ITERATE_FAILURE", 1, $"failed to iterate extents in inode {_ino} (op EXT2_EXTENT_DOWN, blk {child}): {why}", ino: _ino, block: child);
        throw _ctx.Abort($"error while iterating over blocks in inode {_ino}: {why}");
    }

    private void ScanIndirect(InodeView inode)
    {
        for (int i = 0; i < 12; i++) Data(i, inode.i_block(i));
        ulong perBlock = _ctx.Geometry.BlockSize / 4;
        ulong first = 12, span = perBlock;
        for (int level = 1; level <= 3; level++)
        {
            uint block = inode.i_block(11 + level);
            if (block != 0) Indirect(block, level, first, span / perBlock);
            first += span;
            span *= perBlock;
        }
    }

    private void Data(long logical, uint block)
    {
        if (block == 0) return;
        if (!_ctx.IsValidBlock(block))
        {
            IllegalBlock(block);
            return;
        }
        if (_resize) { NumBlocks++; }
        else Use(block);
        DirBlocks?.Add(((ulong)logical, block));
        LastBlock = Math.Max(LastBlock, logical);
        LastInitBlock = LastBlock;
    }

    private void IllegalBlock(ulong block)
    {
        if (_ino == 1)
        {
            Illegal = true;
            if (_claim) _ctx.Report("PR_1_BB_ILLEGAL_BLOCK_NUM", 1, $"illegal block {block} in the bad block inode", ino: 1, block: block);
            return;
        }
        // The first illegal block of an inode raises the latch question once (PR_1_INODE_BLOCK_LATCH).
        if (!Illegal && _claim) _ctx.Report("PR_1_INODE_BLOCK_LATCH", 1, $"inode {_ino} has illegal block(s)", ino: _ino);
        Illegal = true;
        Problem("PR_1_ILLEGAL_BLOCK_NUM", $"illegal block {block}", block);
    }

    private void Indirect(uint block, int level, ulong firstLogical, ulong spanPerEntry)
    {
        if (!_ctx.IsValidBlock(block))
        {
            IllegalBlock(block);
            return;
        }
        if (_budget == 0) { Broken = true; return; }
        _budget--;
        // The resize inode's indirect blocks are reserved descriptor blocks mark_table_blocks already holds.
        if (_resize && level != 2) NumBlocks++;
        else Use(block);
        if (!_ctx.Fs.Image.TryRead((long)block * _ctx.Geometry.BlockSize, (int)_ctx.Geometry.BlockSize, out var data)) return;
        int entries = data.Length / 4;
        for (int i = 0; i < entries; i++)
        {
            uint child = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i * 4));
            if (child == 0) continue;
            ulong logical = firstLogical + (ulong)i * spanPerEntry;
            if (level == 1) Data((long)logical, child);
            else Indirect(child, level - 1, logical, spanPerEntry / (ulong)entries);
        }
    }
}
