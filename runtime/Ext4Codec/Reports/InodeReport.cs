using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using Ext4Codec.Directories;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Xattrs;

namespace Ext4Codec.Reports;

/// <summary>
/// One inode in full, as debugfs's stat shows it: type, mode, owner, size, links, times with nanoseconds,
/// flags, checksum, extended attributes, and the block map (extents or block runs). JSON keeps the kernel's
/// field names and adds the derived values.
/// </summary>
public static class InodeReport
{
    public static void WriteText(Ext4FileSystem fs, uint ino, TextWriter o)
    {
        var inode = fs.ReadInode(ino);
        var type = InodeFacts.Type(inode);
        o.WriteLine($"Inode: {ino}   Type: {TypeName(type)}    Mode:  {InodeFacts.OctalPermissions(InodeFacts.Permissions(inode))}   Flags: 0x{(uint)inode.i_flags:x}");
        o.WriteLine($"Generation: {inode.i_generation}    Version: 0x{(inode.Has_i_version_hi ? inode.i_version_hi : 0):x8}:{inode.l_i_version:x8}");
        o.WriteLine($"User: {inode.i_uid_full,5}   Group: {inode.i_gid_full,5}   Project: {(inode.Has_i_projid ? inode.i_projid : 0),5}   Size: {inode.i_size}");
        o.WriteLine($"File ACL: {inode.i_file_acl}");
        o.WriteLine($"Links: {inode.i_links_count}   Blockcount: {inode.i_blocks}");
        foreach (var (name, seconds, _, raw, extra) in Times(inode))
            o.WriteLine($"{name,6}: 0x{raw:x8}:{extra:x8} -- {InodeFacts.ToDate(seconds):ddd MMM d HH:mm:ss yyyy}");
        if (inode.Has_i_extra_isize) o.WriteLine($"Size of extra inode fields: {inode.i_extra_isize}");
        if (fs.Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM))
            o.WriteLine($"Inode checksum: 0x{inode.i_checksum:x8}{(inode.VerifyCsum(fs.ChecksumSeed, ino) ? "" : " (bad)")}");
        if (type is Ext4InodeType.S_IFCHR or Ext4InodeType.S_IFBLK)
        {
            var (major, minor) = InodeFacts.Device(inode);
            o.WriteLine($"Device major/minor number: {major:00}:{minor:00} (hex {major:x2}:{minor:x2})");
        }
        if (InodeContent.IsFastSymlink(inode, fs.Geometry.ClusterSize))
            o.WriteLine($"Fast link dest: \"{NameText.Escape(SymlinkTarget(fs, ino, inode))}\"");
        var xattrs = XattrReader.ReadAll(fs, ino, inode);
        if (xattrs.Count > 0)
        {
            o.WriteLine("Extended attributes:");
            foreach (var x in xattrs) o.WriteLine($"  {x.Name} ({x.Value.Length}{(x.ValueInum != 0 ? $", ea_inode {x.ValueInum}" : "")})");
        }
        if (InodeContent.IsInline(inode))
        {
            o.WriteLine($"Size of inline data: {60 + InodeContent.InlineTail(inode, fs.InodeOffset(ino)).Length}");
            return;
        }
        if (!BlockMapper.HasBlockMap(inode, fs.Geometry.ClusterSize)) return;
        var map = MapCollector.Collect(fs, ino, inode);
        o.WriteLine((inode.i_flags & Ext4InodeFlags.EXTENTS_FL) != 0 ? "EXTENTS:" : "BLOCKS:");
        var parts = new List<string>();
        foreach (ulong b in map.MapBlocks) parts.Add($"(map):{b}");
        foreach (var e in map.Extents)
        {
            string range = e.Length == 1 ? $"{e.Logical}" : $"{e.Logical}-{e.Logical + e.Length - 1}";
            string blocks = e.Length == 1 ? $"{e.Physical}" : $"{e.Physical}-{e.Physical + e.Length - 1}";
            parts.Add($"({range}{(e.Unwritten ? "[u]" : "")}):{blocks}");
        }
        o.WriteLine(string.Join(", ", parts));
    }

    public static void WriteJson(Ext4FileSystem fs, uint ino, Utf8JsonWriter w)
    {
        var inode = fs.ReadInode(ino);
        var type = InodeFacts.Type(inode);
        w.WriteStartObject();
        w.WriteNumber("ino", ino);
        w.WriteNumber("offset", fs.InodeOffset(ino));
        w.WriteString("type", TypeName(type));
        w.WriteString("mode", InodeFacts.OctalPermissions(InodeFacts.Permissions(inode)));
        w.WriteStartObject("fields");
        var present = new bool[InodeLayout.Instance.Fields.Length];
        inode.FillPresence(present);
        var combined = new ulong[InodeLayout.Instance.Combines.Length];
        inode.FillCombined(combined);
        LayoutJson.WriteStruct(w, InodeLayout.Instance, inode.Data[..Math.Min(inode.Length, 128 + (inode.Has_i_extra_isize ? inode.i_extra_isize : 0))], present, combined);
        w.WriteEndObject();
        w.WriteStartArray("flags");
        foreach (var f in Ext4InodeFlagsInfo.Layout.Members)
            if (((uint)inode.i_flags & f.Value) != 0) w.WriteStringValue(f.Name);
        w.WriteEndArray();
        w.WriteStartObject("times");
        foreach (var (name, seconds, nanos, _, _) in Times(inode))
        {
            w.WriteStartObject(name);
            w.WriteNumber("sec", seconds);
            w.WriteNumber("nsec", nanos);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        if (fs.Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM)) w.WriteBoolean("checksum_valid", inode.VerifyCsum(fs.ChecksumSeed, ino));
        if (type is Ext4InodeType.S_IFCHR or Ext4InodeType.S_IFBLK)
        {
            var (major, minor) = InodeFacts.Device(inode);
            w.WriteString("rdev", $"{major}:{minor}");
        }
        if (type == Ext4InodeType.S_IFLNK) w.WriteString("target", NameText.Escape(SymlinkTarget(fs, ino, inode)));
        w.WriteStartArray("xattrs");
        foreach (var x in XattrReader.ReadAll(fs, ino, inode))
        {
            w.WriteStartObject();
            w.WriteString("name", x.Name);
            w.WriteString("source", x.Source == XattrSource.Inode ? "inode" : "block");
            if (x.ValueInum != 0) w.WriteNumber("e_value_inum", x.ValueInum);
            w.WriteString("value_hex", Convert.ToHexStringLower(x.Value));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (InodeContent.IsInline(inode)) w.WriteNumber("inline_size", 60 + InodeContent.InlineTail(inode, fs.InodeOffset(ino)).Length);
        else if (BlockMapper.HasBlockMap(inode, fs.Geometry.ClusterSize))
        {
            var map = MapCollector.Collect(fs, ino, inode);
            w.WriteStartArray("map_blocks");
            foreach (ulong b in map.MapBlocks) w.WriteNumberValue(b);
            w.WriteEndArray();
            w.WriteStartArray("extents");
            foreach (var e in map.Extents)
            {
                w.WriteStartObject();
                w.WriteNumber("logical", e.Logical);
                w.WriteNumber("length", e.Length);
                w.WriteNumber("physical", e.Physical);
                w.WriteBoolean("unwritten", e.Unwritten);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>A symlink's target bytes (fast, inline or in blocks), capped at one block as the kernel caps it.</summary>
    public static byte[] SymlinkTarget(Ext4FileSystem fs, uint ino, InodeView inode)
        => InodeContent.ReadAll(fs, ino, inode, fs.Geometry.BlockSize);

    public static string TypeName(Ext4InodeType type)
        => Ext4InodeTypeInfo.Layout.Find((ulong)type)?.Display ?? "bad type";

    private static List<(string Name, long Seconds, uint Nanoseconds, uint Raw, uint Extra)> Times(InodeView inode)
    {
        var times = new List<(string, long, uint, uint, uint)>(4);
        Add(times, "ctime", inode.i_ctime, inode.Has_i_ctime_extra ? inode.i_ctime_extra : null);
        Add(times, "atime", inode.i_atime, inode.Has_i_atime_extra ? inode.i_atime_extra : null);
        Add(times, "mtime", inode.i_mtime, inode.Has_i_mtime_extra ? inode.i_mtime_extra : null);
        if (inode.Has_i_crtime) Add(times, "crtime", inode.i_crtime, inode.Has_i_crtime_extra ? inode.i_crtime_extra : null);
        return times;
    }

    private static void Add(List<(string, long, uint, uint, uint)> times, string name, uint seconds, uint? extra)
    {
        var (s, ns) = InodeFacts.Time(seconds, extra);
        times.Add((name, s, ns, seconds, extra ?? 0));
    }
}
