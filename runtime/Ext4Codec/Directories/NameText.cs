using System;
using System.Text;

namespace Ext4Codec.Directories;

/// <summary>Turns stored name bytes into printable text without losing information.</summary>
public static class NameText
{
    private static readonly UTF8Encoding Strict = new(false, true);

    public static string Escape(ReadOnlySpan<byte> name)
    {
        string? text = null;
        try { text = Strict.GetString(name); }
        catch (DecoderFallbackException) { }
        if (text is not null && !HasControl(text)) return text;
        var sb = new StringBuilder(name.Length * 2);
        foreach (byte b in name)
        {
            if (b >= 0x20 && b < 0x7F && b != '\\') sb.Append((char)b);
            else sb.Append("\\x").Append(b.ToString("x2"));
        }
        return sb.ToString();
    }

    private static bool HasControl(string s)
    {
        foreach (char c in s)
            if (char.IsControl(c) || c == '\\') return true;
        return false;
    }
}
