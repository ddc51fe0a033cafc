using System;
using Ext4Codec.Format;

namespace Ext4Codec.FastCommit;

/// <summary>A proposal's gate on a fast-commit tag: the tag may appear only while this flag is set.</summary>
/// <param name="InHead">The flag is an FcFeatures bit of the area's HEAD; otherwise an s_feature_incompat bit.</param>
public readonly record struct FcTagGate(FcTag Tag, bool InHead, uint Flag);

/// <summary>
/// How one reader's ext4_fc_replay_scan judges records (see format-specs/profiles): how far into a block it reads,
/// which lengths it checks, the tags and HEAD features it knows, what a stale HEAD means, and the gates of the
/// proposal it implements. <see cref="Linux6_18"/> is the kernel this project observes.
/// </summary>
public sealed class FcScanRules
{
    /// <summary>Tags that fit the masks (every tag defined today is below 64).</summary>
    private const int MaskBits = 64;

    private readonly ulong _knownTags;
    private readonly ulong _gatedTags;

    public FcScanRules(FcScanBound bound, FcLengthChecks lengthChecks, FcStaleHead staleHead, ReadOnlySpan<ushort> knownTags,
        uint supportedFeatures, FcTagGate[]? gates = null)
    {
        Bound = bound;
        LengthChecks = lengthChecks;
        StaleHead = staleHead;
        SupportedFeatures = supportedFeatures;
        Gates = gates ?? [];
        foreach (ushort t in knownTags)
            if (t < MaskBits) _knownTags |= 1UL << t;
        foreach (var g in Gates)
            if ((ushort)g.Tag < MaskBits) _gatedTags |= 1UL << (ushort)g.Tag;
    }

    public FcScanBound Bound { get; }

    public FcLengthChecks LengthChecks { get; }

    public FcStaleHead StaleHead { get; }

    /// <summary>The HEAD fc_features bits the reader supports (EXT4_FC_SUPPORTED_FEATURES, or a proposal's).</summary>
    public uint SupportedFeatures { get; }

    public FcTagGate[] Gates { get; }

    /// <summary>The rules of Linux 6.2 and later (6.18, the observed kernel): whole blocks, every length checked, nine tags.</summary>
    public static FcScanRules Linux6_18 { get; } = new(FcScanBound.WHOLE_BLOCK, FcLengthChecks.EVERY_TAG, FcStaleHead.NOTHING_TO_REPLAY,
        [1, 2, 3, 4, 5, 6, 7, 8, 9], 0);

    public bool Knows(FcTag tag) => (ushort)tag < MaskBits && (_knownTags & (1UL << (ushort)tag)) != 0;

    /// <summary>
    /// Whether the reader treats the record as one it knows: a tag it knows whose gate, if the proposal has one, is
    /// open (an ungated use of a gated tag is unknown to it, as to a reader without the proposal).
    /// </summary>
    public bool Accepts(FcTag tag, uint headFeatures, uint sbIncompat)
    {
        if (!Knows(tag)) return false;
        if ((_gatedTags & (1UL << (ushort)tag)) == 0) return true;
        foreach (var g in Gates)
            if (g.Tag == tag && ((g.InHead ? headFeatures : sbIncompat) & g.Flag) == 0) return false;
        return true;
    }

    /// <summary>
    /// The first offset past which no record header is read in a block of <paramref name="blockSize"/> bytes (a
    /// record is read while it starts below this), and the end its value may not pass (-1: unbounded).
    /// </summary>
    public (int HeaderLimit, int ValueEnd) Limits(int blockSize) => Bound switch
    {
        // cur < end, end = blocksize - 1; values are not bounded.
        FcScanBound.BLOCK_SIZE_LESS_ONE => (blockSize - 1, -1),
        // cur < end - 4, end = blocksize - 1; val + len <= end.
        FcScanBound.LAST_BYTE_RESERVED => (blockSize - 1 - FcTagInfo.HeaderSize, blockSize - 1),
        // cur <= end - 4, end = blocksize; len <= end - val.
        _ => (blockSize - FcTagInfo.HeaderSize + 1, blockSize),
    };

    /// <summary>The length check this reader makes for <paramref name="tag"/>, after the bound check.</summary>
    public bool LengthIsValid(FcTag tag, int length, uint inodeSize) => LengthChecks switch
    {
        FcLengthChecks.NONE => true,
        FcLengthChecks.ADD_RANGE_HEAD_TAIL => tag switch
        {
            FcTag.ADD_RANGE => length == 16,
            FcTag.HEAD => length == 8,
            FcTag.TAIL => length >= 8,
            _ => true,
        },
        // ext4_fc_value_len_isvalid: every tag it knows has a rule; any other fails.
        _ => Knows(tag) && FcTagInfo.IsValidLength(tag, length, inodeSize),
    };
}
