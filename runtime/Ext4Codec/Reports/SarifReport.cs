using System;
using System.Collections.Generic;
using System.Text.Json;
using Ext4Codec.Checking;

namespace Ext4Codec.Reports;

/// <summary>
/// Findings as SARIF 2.1.0 for code-scanning UIs: one rule per e2fsck problem code, one result per finding,
/// located by byte offset in the image when one structure is to blame. Findings e2fsck -n does not count are notes.
/// </summary>
public static class SarifReport
{
    public static void Write(Utf8JsonWriter w, string imageUri, FsckResult result)
    {
        w.WriteStartObject();
        w.WriteString("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        w.WriteString("version", "2.1.0");
        w.WriteStartArray("runs");
        w.WriteStartObject();
        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", "ext4codec");
        w.WriteString("informationUri", "https://github.com/ext4codec/ext4codec");
        w.WriteStartArray("rules");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in result.Findings)
        {
            if (!seen.Add(f.Code)) continue;
            w.WriteStartObject();
            w.WriteString("id", f.Code);
            w.WriteStartObject("shortDescription");
            w.WriteString("text", $"e2fsck problem {f.Code} (pass {f.Pass})");
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartArray("results");
        foreach (var f in result.Findings)
        {
            w.WriteStartObject();
            w.WriteString("ruleId", f.Code);
            w.WriteString("level", f.CountsAsError ? "error" : "note");
            w.WriteStartObject("message");
            w.WriteString("text", f.Message);
            w.WriteEndObject();
            w.WriteStartArray("locations");
            w.WriteStartObject();
            w.WriteStartObject("physicalLocation");
            w.WriteStartObject("artifactLocation");
            w.WriteString("uri", imageUri);
            w.WriteEndObject();
            if (f.Offset is long offset)
            {
                w.WriteStartObject("region");
                w.WriteNumber("byteOffset", offset);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteStartObject("properties");
            if (f.Group is uint g) w.WriteNumber("group", g);
            if (f.Inode is uint i) w.WriteNumber("inode", i);
            if (f.Block is ulong b) w.WriteNumber("block", b);
            w.WriteNumber("pass", f.Pass);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
