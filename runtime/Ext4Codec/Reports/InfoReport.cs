using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Journal;

namespace Ext4Codec.Reports;

/// <summary>
/// <c>ext4codec info</c>: the superblock, the group descriptors and the journal superblock, as text laid out
/// like <c>dumpe2fs</c> or as JSON under the kernel's field names.
/// </summary>
public static class InfoReport
{
    public static void WriteText(Ext4FileSystem fs, TextWriter o)
    {
        var sb = fs.SuperBlock;
        foreach (var line in SuperblockListing.Describe(sb)) o.WriteLine(line.ToString());
        if (fs.Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM))
            o.WriteLine(new ReportField("Checksum verified:", sb.VerifyCsum() ? "yes" : "NO (0x" + sb.ComputeCsum().ToString("x8", CultureInfo.InvariantCulture) + " computed)").ToString());
        var journal = JournalLocator.Locate(fs);
        if (JournalLocator.TryReadSuperblock(fs, journal, out var jsb))
        {
            if (jsb.s_header.h_magic != 0xC03B3998) o.WriteLine("Journal superblock magic number invalid!");
            else foreach (var line in JournalListing.Describe(jsb, fs.Geometry.BlockSize, fs.Geometry.Has(Ext4FeatureCompat.COMPAT_FAST_COMMIT))) o.WriteLine(line.ToString());
        }
        if (fs.Geometry.GroupCount == 0) return;
        o.WriteLine();
        o.WriteLine("Group  Block bitmap  Inode bitmap  Inode table   Free blocks  Free inodes  Dirs    Unused  Flags  Checksum");
        for (uint g = 0; g < fs.Geometry.GroupCount; g++)
        {
            if (!TryDescriptor(fs, g, out var gd, out string error))
            {
                o.WriteLine($"{g,5}  {error}");
                break;
            }
            o.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{g,5}  {gd.bg_block_bitmap,12}  {gd.bg_inode_bitmap,12}  {gd.bg_inode_table,12}  {gd.bg_free_blocks_count,11}  {gd.bg_free_inodes_count,11}  {gd.bg_used_dirs_count,6}  {gd.bg_itable_unused,6}  {FlagText(gd.bg_flags),-5}  {ChecksumText(fs, gd, g)}"));
        }
    }

    public static void WriteJson(Ext4FileSystem fs, Utf8JsonWriter w)
    {
        var sb = fs.SuperBlock;
        w.WriteStartObject();
        w.WriteString("image", fs.Image.Name);
        w.WriteStartObject("superblock");
        var sbPresent = new bool[SuperBlockLayout.Instance.Fields.Length];
        sb.FillPresence(sbPresent);
        var sbCombined = new ulong[SuperBlockLayout.Instance.Combines.Length];
        sb.FillCombined(sbCombined);
        LayoutJson.WriteStruct(w, SuperBlockLayout.Instance, sb.Data, sbPresent, sbCombined);
        w.WriteStartArray("features");
        foreach (var name in E2pNames.SuperblockFeatures(sb)) w.WriteStringValue(name);
        w.WriteEndArray();
        w.WriteNumber("block_size", fs.Geometry.BlockSize);
        w.WriteNumber("group_count", fs.Geometry.GroupCount);
        if (fs.Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM)) w.WriteBoolean("checksum_valid", sb.VerifyCsum());
        w.WriteEndObject();

        w.WriteStartArray("group_descriptors");
        var gdPresent = new bool[GroupDescLayout.Instance.Fields.Length];
        var gdCombined = new ulong[GroupDescLayout.Instance.Combines.Length];
        for (uint g = 0; g < fs.Geometry.GroupCount; g++)
        {
            w.WriteStartObject();
            w.WriteNumber("group", g);
            if (!TryDescriptor(fs, g, out var gd, out string error))
            {
                w.WriteString("error", error);
                w.WriteEndObject();
                break;
            }
            gd.FillPresence(gdPresent);
            gd.FillCombined(gdCombined);
            LayoutJson.WriteStruct(w, GroupDescLayout.Instance, gd.Data, gdPresent, gdCombined);
            bool? valid = fs.DescriptorChecksumValid(gd, g);
            if (valid is not null) w.WriteBoolean("checksum_valid", valid.Value);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        var journal = JournalLocator.Locate(fs);
        if (journal.Kind == JournalKind.None) w.WriteNull("journal");
        else
        {
            w.WriteStartObject("journal");
            w.WriteString("location", journal.Kind.ToString().ToLowerInvariant());
            if (journal.Inode != 0) w.WriteNumber("inode", journal.Inode);
            if (JournalLocator.TryReadSuperblock(fs, journal, out var jsb))
            {
                w.WriteStartObject("superblock");
                var jsbPresent = new bool[JournalSuperblockLayout.Instance.Fields.Length];
                jsb.FillPresence(jsbPresent);
                LayoutJson.WriteStruct(w, JournalSuperblockLayout.Instance, jsb.Data, jsbPresent, []);
                w.WriteStartArray("features");
                foreach (var name in E2pNames.JournalFeatures(jsb)) w.WriteStringValue(name);
                w.WriteEndArray();
                if (jsb.CsumApplies) w.WriteBoolean("checksum_valid", jsb.VerifyCsum());
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    private static bool TryDescriptor(Ext4FileSystem fs, uint group, out GroupDescView gd, out string error)
    {
        gd = default;
        error = "";
        long offset = fs.GroupDescriptorOffset(group);
        if (!fs.Image.TryRead(offset, (int)fs.Geometry.DescSize, out var bytes))
        {
            error = $"descriptor at byte {offset} lies beyond the end of the image";
            return false;
        }
        gd = new GroupDescView(bytes);
        return true;
    }

    private static string ChecksumText(Ext4FileSystem fs, GroupDescView gd, uint group) => fs.DescriptorChecksumValid(gd, group) switch
    {
        null => "-",
        true => "ok 0x" + gd.bg_checksum.ToString("x4", CultureInfo.InvariantCulture),
        false => "BAD 0x" + gd.bg_checksum.ToString("x4", CultureInfo.InvariantCulture),
    };

    private static string FlagText(Ext4BgFlags flags)
    {
        string s = "";
        if ((flags & Ext4BgFlags.INODE_UNINIT) != 0) s += "I";
        if ((flags & Ext4BgFlags.BLOCK_UNINIT) != 0) s += "B";
        if ((flags & Ext4BgFlags.INODE_ZEROED) != 0) s += "Z";
        return s.Length == 0 ? "-" : s;
    }
}
