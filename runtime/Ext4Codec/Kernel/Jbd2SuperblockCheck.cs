using Ext4Codec.Format;
using Ext4Codec.Journal;

namespace Ext4Codec.Kernel;

/// <summary>
/// journal_check_superblock and journal_load_superblock (fs/jbd2/journal.c) in the kernel's order, which differs
/// from the journal reader's (the length and first-block checks come before the feature checks, and a version 1
/// superblock skips everything after them), then the numbers jbd2 derives for recovery.
/// </summary>
internal static class Jbd2SuperblockCheck
{
    private const uint MinJournalBlocks = 1024;
    private const uint KnownIncompat = 0x3F;

    /// <param name="totalLen">j_total_len: the journal inode's i_size in blocks, or the external device's blocks_count.</param>
    public static bool TryLoad(JournalSuperblockView jsb, uint blockSize, uint totalLen, out JournalGeometry geometry, out string line, out string errno, out string checkId)
    {
        geometry = null!;
        errno = Errno.EINVAL;
        var type = (uint)jsb.s_header.h_blocktype;
        if (jsb.s_header.h_magic != JournalGeometry.Magic || jsb.s_blocksize != blockSize)
            return Fail("J_BAD_MAGIC_OR_BLOCKSIZE", "JBD2: no valid journal superblock found", out line, out checkId);
        if (type != (uint)JournalBlockType.SUPERBLOCK_V1 && type != (uint)JournalBlockType.SUPERBLOCK_V2)
            return Fail("J_BAD_BLOCKTYPE", "JBD2: unrecognised superblock format ID", out line, out checkId);
        if (jsb.s_maxlen > totalLen) return Fail("J_MAXLEN_GT_LEN", "JBD2: journal file too short", out line, out checkId);
        if (jsb.s_first == 0 || jsb.s_first >= totalLen)
            return Fail("J_BAD_FIRST", "JBD2: Invalid start block of journal: " + MountLog.U(jsb.s_first), out line, out checkId);
        int version = type == (uint)JournalBlockType.SUPERBLOCK_V1 ? 1 : 2;
        JournalFeatureCompat compat = 0;
        JournalFeatureIncompat incompat = 0;
        if (version == 2)
        {
            compat = jsb.s_feature_compat;
            incompat = jsb.s_feature_incompat;
            if (jsb.s_feature_ro_compat != 0 || ((uint)incompat & ~KnownIncompat) != 0)
                return Fail("J_UNKNOWN_FEATURES", "JBD2: Unrecognised features on journal", out line, out checkId);
            int numFc = (incompat & JournalFeatureIncompat.INCOMPAT_FAST_COMMIT) != 0 ? NumFcBlocks(jsb) : 0;
            // Compared unsigned, as the kernel's u32 arithmetic does: a negative s_num_fc_blks is too many.
            if (jsb.s_maxlen < MinJournalBlocks || jsb.s_maxlen - MinJournalBlocks < (uint)numFc)
                return Fail("J_TOO_SHORT_FC", "JBD2: journal file too short " + MountLog.U(jsb.s_maxlen) + "," + MountLog.D(numFc), out line, out checkId);
            bool v2 = (incompat & JournalFeatureIncompat.INCOMPAT_CSUM_V2) != 0;
            bool v3 = (incompat & JournalFeatureIncompat.INCOMPAT_CSUM_V3) != 0;
            if (v2 && v3) return Fail("J_CSUM_V2_V3", "JBD2: Can't enable checksumming v2 and v3 at the same time!", out line, out checkId);
            if ((v2 || v3) && (compat & JournalFeatureCompat.COMPAT_CHECKSUM) != 0)
                return Fail("J_CSUM_V1_V23", "JBD2: Can't enable checksumming v1 and v2/3 at the same time!", out line, out checkId);
            if ((v2 || v3) && jsb.s_checksum_type != JournalChecksumType.CRC32C_CHKSUM)
                return Fail("J_CSUM_TYPE", "JBD2: Unknown checksum type", out line, out checkId);
            if ((v2 || v3) && !jsb.VerifyCsum())
            {
                errno = Errno.EBADMSG;
                return Fail("J_SB_CSUM", "JBD2: journal checksum error", out line, out checkId);
            }
        }
        uint maxLen = jsb.s_maxlen;
        uint last = maxLen, fcFirst = maxLen;
        if ((incompat & JournalFeatureIncompat.INCOMPAT_FAST_COMMIT) != 0)
        {
            last = maxLen - (uint)NumFcBlocks(jsb);
            fcFirst = last + 1;
        }
        geometry = new JournalGeometry((int)blockSize, maxLen, jsb.s_first, last, fcFirst, maxLen, jsb.s_sequence, jsb.s_start,
            version, compat, incompat, Crc32C.Append(0xFFFFFFFF, jsb.s_uuid));
        line = "";
        errno = "";
        checkId = "";
        return true;
    }

    /// <summary>jbd2_journal_get_num_fc_blks: s_num_fc_blks as an int, 256 when zero.</summary>
    public static int NumFcBlocks(JournalSuperblockView jsb)
        => jsb.s_num_fc_blks != 0 ? (int)jsb.s_num_fc_blks : (int)JournalGeometry.DefaultFastCommitBlocks;

    private static bool Fail(string id, string text, out string line, out string checkId)
    {
        line = text;
        checkId = id;
        return false;
    }
}
