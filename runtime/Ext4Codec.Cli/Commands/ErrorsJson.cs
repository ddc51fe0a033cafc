using System.Collections.Generic;
using System.Text.Json;
using Ext4Codec.Format;

namespace Ext4Codec.Cli.Commands;

/// <summary>Writes skipped-over corruption as an "errors" array of located records.</summary>
public static class ErrorsJson
{
    public static void Write(Utf8JsonWriter w, List<Corruption> errors)
    {
        w.WriteStartArray("errors");
        foreach (var e in errors)
        {
            w.WriteStartObject();
            w.WriteString("structure", e.Structure);
            w.WriteString("field", e.Field);
            w.WriteNumber("offset", e.Offset);
            w.WriteString("reason", e.Reason);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
