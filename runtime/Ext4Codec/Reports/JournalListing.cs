using System.Collections.Generic;
using System.Globalization;
using Ext4Codec.Format;

namespace Ext4Codec.Reports;

/// <summary>The journal superblock as <c>dumpe2fs -h</c> lists it (libe2p e2p_list_journal_super).</summary>
public static class JournalListing
{
    /// <param name="fastCommit">The filesystem has the fast_commit feature: dumpe2fs then counts the fast-commit area.</param>
    public static List<ReportField> Describe(JournalSuperblockView jsb, uint fsBlockSize, bool fastCommit)
    {
        var f = new List<ReportField>();
        void Add(string label, string value) => f.Add(new ReportField(label, value));
        string U(ulong v) => v.ToString(CultureInfo.InvariantCulture);

        uint fcBlocks = fastCommit ? (jsb.s_num_fc_blks != 0 ? jsb.s_num_fc_blks : 256u) : 0u;
        uint journalBlocks = unchecked(jsb.s_maxlen - fcBlocks);
        var features = E2pNames.JournalFeatures(jsb);
        Add("Journal features:", features.Count > 0 ? string.Join(" ", features) : "(none)");
        uint size = unchecked(jsb.s_blocksize / 1024 * jsb.s_maxlen);
        Add("Total journal size:", size < 8192 ? U(size) + "k" : U(size >> 10) + "M");
        if (jsb.s_blocksize != fsBlockSize) Add("Journal block size:", U(jsb.s_blocksize));
        Add("Total journal blocks:", U(unchecked(journalBlocks + fcBlocks)));
        Add("Max transaction length:", U(journalBlocks));
        Add("Fast commit length:", U(fcBlocks));
        if (jsb.s_first != 1) Add("Journal first block:", U(jsb.s_first));
        Add("Journal sequence:", "0x" + jsb.s_sequence.ToString("x8", CultureInfo.InvariantCulture));
        Add("Journal start:", U(jsb.s_start));
        uint users = jsb.s_nr_users;
        if (users != 1) Add("Journal number of users:", U(users));
        if ((jsb.s_feature_compat & JournalFeatureCompat.COMPAT_CHECKSUM) != 0) Add("Journal checksum type:", "crc32");
        if ((jsb.s_feature_incompat & (JournalFeatureIncompat.INCOMPAT_CSUM_V2 | JournalFeatureIncompat.INCOMPAT_CSUM_V3)) != 0)
        {
            Add("Journal checksum type:", (byte)jsb.s_checksum_type == 4 ? "crc32c" : "unknown");
            Add("Journal checksum:", "0x" + jsb.s_checksum.ToString("x8", CultureInfo.InvariantCulture));
        }
        var userBytes = jsb.s_users;
        if (users > 1 || !E2pNames.IsNullUuid(userBytes[..16]))
        {
            for (int i = 0; i < users && i < 48; i++)
                Add(i == 0 ? "Journal users:" : "", E2pNames.Uuid(userBytes.Slice(i * 16, 16)));
        }
        if (jsb.s_errno != 0) Add("Journal errno:", ((int)jsb.s_errno).ToString(CultureInfo.InvariantCulture));
        return f;
    }
}
