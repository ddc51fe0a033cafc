using System;
using System.Collections.Generic;
using System.Text.Json;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Reports;

namespace Ext4Codec.FastCommit;

/// <summary>
/// The JSON description of fast commits the <c>fc --write</c> verb takes:
/// <code>
/// { "proposal": "fc_feature", "omit_gates": false, "allow_ungated": false, "head_features": 0, "last_byte_unused": false,
///   "commits": [ [ { "tag": "INODE", "fc_ino": 13, "inode": { "copy": 12, "i_mode": "0o20000" } },
///                  { "tag": "CREAT_DEV", "fc_parent_ino": 2, "fc_ino": 13, "fc_mode": "0o20000", "fc_rdev": "0:0", "fc_dname": "b" } ],
///                [ { "tag": "LINK", "fc_parent_ino": 2, "fc_ino": 13, "fc_dname": "c" },
///                  { "tag": 11, "hex": "0b00…" } ] ] }
/// </code>
/// A record names its tag (a member of FcTag, or a number) and gives its value either as "hex" or by the fields of
/// the tag's value structure, as the specs name them (<see cref="StructJson"/>; the flexible name field takes text).
/// An INODE record's raw inode is "inode": the fields of ext4_inode over a copy of an inode of the image ("copy"),
/// or over zeros, of "length" bytes (default: 128 + i_extra_isize, the whole inode with inline data).
/// </summary>
public static class FcCommitDocument
{
    /// <exception cref="JsonSpecException">The document does not describe records the specs declare.</exception>
    public static FcWriteRequest Parse(string json, Ext4FileSystem fs)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new JsonSpecException("$", "not JSON: " + e.Message);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new JsonSpecException("$", "expected an object with \"commits\"");
            foreach (var property in root.EnumerateObject())
                if (Array.IndexOf(Keys, property.Name) < 0) throw new JsonSpecException("$." + property.Name, $"not a key of a commit description (one of {string.Join(", ", Keys)})");
            ProposalLayout? proposal = null;
            if (root.TryGetProperty("proposal", out var p) && p.ValueKind != JsonValueKind.Null)
                proposal = SpecProposals.Find(p.GetString() ?? "") ?? throw new JsonSpecException("$.proposal", $"no proposal '{p.GetString()}' (one of {string.Join(", ", Array.ConvertAll(SpecProposals.All, x => x.Id))})");
            if (!root.TryGetProperty("commits", out var commits) || commits.ValueKind != JsonValueKind.Array)
                throw new JsonSpecException("$.commits", "expected an array of commits, each an array of records");
            var list = new List<IReadOnlyList<FcRecordSpec>>();
            int c = 0;
            foreach (var commit in commits.EnumerateArray())
            {
                string path = $"$.commits[{c}]";
                if (commit.ValueKind != JsonValueKind.Array) throw new JsonSpecException(path, "expected an array of records");
                var records = new List<FcRecordSpec>();
                int r = 0;
                foreach (var record in commit.EnumerateArray()) records.Add(Record(record, fs, $"{path}[{r++}]"));
                list.Add(records);
                c++;
            }
            return new FcWriteRequest
            {
                Commits = list,
                Proposal = proposal,
                OmitGates = Flag(root, "omit_gates"),
                AllowUngated = Flag(root, "allow_ungated"),
                ExtraHeadFeatures = root.TryGetProperty("head_features", out var h) ? (uint)StructJson.Integer(h, "$.head_features") : 0,
                LastByteUnused = Flag(root, "last_byte_unused"),
            };
        }
    }

    private static readonly string[] Keys = ["proposal", "omit_gates", "allow_ungated", "head_features", "last_byte_unused", "commits"];

    private static bool Flag(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var v)) return false;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new JsonSpecException("$." + name, "expected true or false"),
        };
    }

    private static FcRecordSpec Record(JsonElement record, Ext4FileSystem fs, string path)
    {
        if (record.ValueKind != JsonValueKind.Object || !record.TryGetProperty("tag", out var tagJson))
            throw new JsonSpecException(path, "a record is an object with a \"tag\"");
        var tag = Tag(tagJson, path + ".tag");
        if (record.TryGetProperty("hex", out var hex))
            return FcRecordSpec.Raw(tag, StructJson.Hex(hex.ValueKind == JsonValueKind.String ? hex.GetString()! : "?", path + ".hex"));
        var layout = ValueLayout(tag) ?? throw new JsonSpecException(path, $"{tag} has no value structure: give its value as \"hex\"");
        byte[] flexible = [];
        if (tag == FcTag.INODE)
        {
            if (!record.TryGetProperty("inode", out var inode)) throw new JsonSpecException(path, "an INODE record needs \"inode\" (or \"hex\")");
            flexible = RawInode(inode, fs, path + ".inode");
        }
        else
        {
            var flex = Array.Find(layout.Fields, f => f.Kind == FieldKind.Flexible);
            if (flex is not null && record.TryGetProperty(flex.Name, out var tail)) flexible = StructJson.Bytes(tail, path + "." + flex.Name);
        }
        var value = new byte[layout.Size + flexible.Length];
        flexible.CopyTo(value, layout.Size);
        var skip = new List<string> { "tag", "inode" };
        foreach (var f in layout.Fields)
            if (f.Kind == FieldKind.Flexible) skip.Add(f.Name);
        StructJson.Fill(layout, record, value, path, skip.ToArray());
        return FcRecordSpec.Raw(tag, value);
    }

    private static FcTag Tag(JsonElement tag, string path)
    {
        if (tag.ValueKind == JsonValueKind.String)
        {
            string name = tag.GetString()!;
            foreach (var t in FcTagInfo.Layout.Tags)
                if (string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)) return (FcTag)t.Value;
        }
        ulong value = StructJson.Integer(tag, path);
        if (value > ushort.MaxValue) throw new JsonSpecException(path, "a tag is a 16-bit number");
        return (FcTag)value;
    }

    private static StructLayout? ValueLayout(FcTag tag)
    {
        foreach (var t in FcTagInfo.Layout.Tags)
            if (t.Value == (ulong)tag && t.ValueStruct.Length > 0) return SpecCatalog.FindStruct(t.ValueStruct);
        return null;
    }

    /// <summary>The INODE record's raw inode: a copy of an inode of the image or zeros, then the given fields.</summary>
    private static byte[] RawInode(JsonElement spec, Ext4FileSystem fs, string path)
    {
        if (spec.ValueKind != JsonValueKind.Object) throw new JsonSpecException(path, "expected an object of ext4_inode fields");
        uint size = fs.Geometry.InodeSize;
        var raw = new byte[size];
        if (spec.TryGetProperty("copy", out var copy))
        {
            ulong ino = StructJson.Integer(copy, path + ".copy");
            if (ino == 0 || ino > fs.Geometry.InodesCount) throw new JsonSpecException(path + ".copy", $"inode {ino} is not in 1..{fs.Geometry.InodesCount}");
            fs.ReadInode((uint)ino).Data.CopyTo(raw);
        }
        else if (size > 128)
        {
            // A new inode: the extra fields a current kernel writes (i_extra_isize 32).
            new InodeWriter(raw).i_extra_isize = (ushort)Math.Min(32, size - 128);
        }
        StructJson.Fill(InodeLayout.Instance, spec, raw, path, "copy", "length");
        var inode = new InodeView(raw);
        int length = inode.Has_i_extra_isize && (inode.i_flags & Ext4InodeFlags.INLINE_DATA_FL) == 0 ? 128 + inode.i_extra_isize : (int)size;
        if (spec.TryGetProperty("length", out var l)) length = (int)StructJson.Integer(l, path + ".length");
        if (length < 0 || length > size) throw new JsonSpecException(path + ".length", $"{length} is not within the {size}-byte inode");
        return raw.AsSpan(0, length).ToArray();
    }
}
