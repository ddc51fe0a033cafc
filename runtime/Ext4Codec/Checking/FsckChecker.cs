using System;
using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Imaging;

namespace Ext4Codec.Checking;

/// <summary>
/// The e2fsck -fn equivalent: read-only, forced, every question answered "no". Runs the superblock checks and
/// passes 1–5 in e2fsck's order and stops where e2fsck -n stops. Any byte sequence gives a result: an image
/// that is not ext4 or whose metadata cannot be read is an operational error (exit 8), never an exception.
/// </summary>
public static class FsckChecker
{
    /// <summary>How far past the image's end the superblock's block count may reach before the check refuses (the bitmaps it needs grow with it).</summary>
    private const ulong MaxBlocksBeyondImage = 16;

    /// <summary>Opens the image as e2fsck does (falling back to a backup superblock when it would) and checks it.</summary>
    /// <param name="progress">Told e2fsck's pass headings ("Pass 1: Checking inodes, blocks, and sizes", …) as each pass starts.</param>
    /// <param name="options">The checker to stand for (default: e2fsck 1.47.0).</param>
    public static FsckResult Check(DiskImage image, IProgress<string>? progress = null, FsckOptions? options = null)
    {
        options ??= FsckOptions.Default;
        var result = new FsckResult();
        var fs = FsckOpen.Open(image, result, options, out var view);
        if (fs is null) return result;
        using (view)
        {
            Check(fs, result, progress, options);
            FastCommitDrops(fs, result, options);
            return result;
        }
    }

    /// <summary>Checks an already opened filesystem as it stands (no backup superblock fallback).</summary>
    public static FsckResult Check(Ext4FileSystem fs, FsckOptions? options = null) => Check(fs, new FsckResult(), null, options ?? FsckOptions.Default);

    /// <summary>
    /// Not e2fsck's: a note for each released reader whose recovery would replay fewer fast-commit records than the
    /// area's valid commits hold without failing (a tag it does not know, or a gate it does not honour, after a
    /// complete commit): it mounts the filesystem and silently loses the rest.
    /// </summary>
    private static void FastCommitDrops(Ext4FileSystem fs, FsckResult result, FsckOptions options)
    {
        using var judge = new Versioning.CompatJudge(fs.Image, options.Proposal ?? Versioning.ProposalDetector.Single(fs));
        foreach (var reader in Versioning.ReaderRules.Released)
        {
            var replay = judge.ReplayOf(reader);
            if (replay.SilentlyDropped == 0) continue;
            result.Findings.Add(new Finding("EXT4CODEC_FC_SILENT_DROP", 0,
                $"{reader.Name} replays {replay.Replayed} of the {replay.Expected} records of the valid fast commits and drops the rest without an error, from {replay.FirstDropped} on ({replay.Message})")
            { CountsAsError = false });
        }
    }

    /// <summary>Whether the superblock describes so much more than the image holds that the bitmaps would be unbounded.</summary>
    internal static bool TooLargeForImage(Ext4FileSystem fs)
    {
        var g = fs.Geometry;
        ulong imageBlocks = (ulong)fs.Image.Length / g.BlockSize;
        return g.BlocksCount > (imageBlocks + 1024) * MaxBlocksBeyondImage || (ulong)g.InodesCount * g.InodeSize > (ulong)fs.Image.Length * MaxBlocksBeyondImage;
    }

    private static FsckResult Check(Ext4FileSystem fs, FsckResult result, IProgress<string>? progress, FsckOptions options)
    {
        var g = fs.Geometry;
        if (TooLargeForImage(fs))
        {
            ulong imageBlocks = (ulong)fs.Image.Length / g.BlockSize;
            result.Findings.Add(new Finding("PR_0_FS_SIZE_WRONG", 0, $"the superblock describes {g.BlocksCount} blocks and {g.InodesCount} inodes; the image holds {imageBlocks} blocks") { CountsAsError = false });
            result.OperationalError = true;
            result.ErrorsLeft = true;
            result.AbortReason = "the filesystem is far larger than the image";
            return result;
        }
        var ctx = new CheckContext(fs, result, options);
        try
        {
            SuperblockPass.Run(ctx);
            SharedWhiteoutCheck.Run(ctx);
            result.LastPass = 0;
            var dirBlocks = new List<DirBlock>();
            progress?.Report("Pass 1: Checking inodes, blocks, and sizes");
            InodePass.Run(ctx, dirBlocks);
            DuplicatePass.Run(ctx);
            result.LastPass = 1;
            progress?.Report("Pass 2: Checking directory structure");
            DirectoryPass.Run(ctx, dirBlocks);
            HtreeCheck.Finish(ctx);
            result.LastPass = 2;
            progress?.Report("Pass 3: Checking directory connectivity");
            ConnectivityPass.Run(ctx);
            RehashPass.Run(ctx, dirBlocks);
            result.LastPass = 3;
            progress?.Report("Pass 4: Checking reference counts");
            LinkCountPass.Run(ctx);
            result.LastPass = 4;
            progress?.Report("Pass 5: Checking group summary information");
            GroupSummaryPass.Run(ctx);
            result.LastPass = 5;
        }
        catch (FsckAbort)
        {
            // e2fsck -n stops here; the reason is in the result.
        }
        catch (CorruptDataException e)
        {
            // A structure the passes needed could not be read (e2fsck's read errors end the same way).
            result.Findings.Add(new Finding("PR_1_ISCAN_ERROR", result.LastPass + 1, e.Message) { CountsAsError = false });
            result.OperationalError = true;
            result.AbortReason = e.Message;
        }
        return result;
    }
}
