using Ext4Codec.Format;

namespace Ext4Codec.Journal;

/// <summary>
/// The numbers jbd2 derives from a journal superblock before recovery (K fs/jbd2/journal.c
/// journal_load_superblock, journal_tag_bytes): where the log and the fast-commit area are, how wide tags are,
/// which checksums apply. Log blocks are [<see cref="First"/>, <see cref="Last"/>); fast-commit blocks are
/// [<see cref="FcFirst"/>, <see cref="FcLast"/>).
/// </summary>
public sealed record JournalGeometry(
    int BlockSize, uint MaxLen, uint First, uint Last, uint FcFirst, uint FcLast, uint Sequence, uint Start,
    int Version, JournalFeatureCompat Compat, JournalFeatureIncompat Incompat, uint ChecksumSeed)
{
    public const uint Magic = 0xC03B3998;

    /// <summary>JBD2_DEFAULT_FAST_COMMIT_BLOCKS: the area size when s_num_fc_blks is 0.</summary>
    public const uint DefaultFastCommitBlocks = 256;

    public bool HasFastCommit => (Incompat & JournalFeatureIncompat.INCOMPAT_FAST_COMMIT) != 0;

    public bool Is64Bit => (Incompat & JournalFeatureIncompat.INCOMPAT_64BIT) != 0;

    public bool CsumV3 => (Incompat & JournalFeatureIncompat.INCOMPAT_CSUM_V3) != 0;

    /// <summary>jbd2_journal_has_csum_v2or3: crc32c block tails, commit and tag checksums.</summary>
    public bool CsumV2OrV3 => (Incompat & (JournalFeatureIncompat.INCOMPAT_CSUM_V2 | JournalFeatureIncompat.INCOMPAT_CSUM_V3)) != 0;

    /// <summary>COMPAT_CHECKSUM: v1 transaction checksums (crc32_be of descriptor and data blocks in the commit block).</summary>
    public bool V1Checksum => (Compat & JournalFeatureCompat.COMPAT_CHECKSUM) != 0;

    public bool AsyncCommit => (Incompat & JournalFeatureIncompat.INCOMPAT_ASYNC_COMMIT) != 0;

    /// <summary>Bytes of the 4-byte block tail that ends descriptor and revoke blocks with checksum v2/v3.</summary>
    public int TailSize => CsumV2OrV3 ? 4 : 0;

    /// <summary>journal_tag_bytes: 16 with csum v3, else 8 (+2 with csum v2, +4 with 64bit).</summary>
    public int TagBytes => CsumV3 ? 16 : 8 + (CsumV2OrV3 ? 2 : 0) + (Is64Bit ? 4 : 0);

    /// <summary>Width of one revoke record.</summary>
    public int RevokeRecordBytes => Is64Bit ? 8 : 4;

    public bool NeedsRecovery => Start != 0;

    /// <summary>
    /// Reads the superblock's numbers, or says which of journal_check_superblock's checks fails (with the
    /// kernel's message). <paramref name="fsBlockSize"/> is the filesystem's block size (the journal's must equal it).
    /// </summary>
    public static bool TryRead(JournalSuperblockView jsb, uint fsBlockSize, out JournalGeometry geometry, out string message)
    {
        geometry = null!;
        var header = jsb.s_header;
        uint type = (uint)header.h_blocktype;
        if (header.h_magic != Magic || jsb.s_blocksize != fsBlockSize)
        {
            message = "JBD2: no valid journal superblock found";
            return false;
        }
        if (type != (uint)JournalBlockType.SUPERBLOCK_V1 && type != (uint)JournalBlockType.SUPERBLOCK_V2)
        {
            message = "JBD2: unrecognised superblock format ID";
            return false;
        }
        if (!jsb.TryValidate(out var bad))
        {
            message = bad.Reason;
            return false;
        }
        int version = type == (uint)JournalBlockType.SUPERBLOCK_V1 ? 1 : 2;
        if (version == 2 && jsb.CsumApplies && !jsb.VerifyCsum())
        {
            message = "JBD2: journal checksum error";
            return false;
        }
        // A version 1 superblock has no feature fields: jbd2 treats them as zero.
        var compat = version == 2 ? jsb.s_feature_compat : 0;
        var incompat = version == 2 ? jsb.s_feature_incompat : 0;
        uint maxLen = jsb.s_maxlen;
        uint last = maxLen, fcFirst = maxLen, fcLast = maxLen;
        if ((incompat & JournalFeatureIncompat.INCOMPAT_FAST_COMMIT) != 0)
        {
            uint fc = jsb.s_num_fc_blks != 0 ? jsb.s_num_fc_blks : DefaultFastCommitBlocks;
            last = maxLen - fc;
            fcFirst = last + 1;
        }
        uint seed = Crc32C.Append(0xFFFFFFFF, jsb.s_uuid);
        geometry = new JournalGeometry((int)jsb.s_blocksize, maxLen, jsb.s_first, last, fcFirst, fcLast, jsb.s_sequence, jsb.s_start,
            version, compat, incompat, seed);
        message = "";
        return true;
    }
}
