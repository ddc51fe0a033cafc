using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Ext4Codec.Generator.Parsing;

/// <summary>Splits one spec line into tokens. The language is line oriented, so lexing never spans lines.</summary>
public static class SpecLexer
{
    private static readonly string[] TwoCharSymbols = { "..", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>" };

    /// <summary>Returns false with <paramref name="error"/> and its column on a malformed token.</summary>
    public static bool TryTokenize(string line, List<Token> tokens, out string error, out int errorColumn)
    {
        tokens.Clear();
        error = "";
        errorColumn = 0;
        int i = 0;
        while (i < line.Length)
        {
            char c = line[i];
            if (c == '#') break;
            if (char.IsWhiteSpace(c)) { i++; continue; }
            int start = i;
            if (char.IsLetter(c) || c == '_')
            {
                while (i < line.Length && (char.IsLetterOrDigit(line[i]) || line[i] == '_')) i++;
                tokens.Add(new Token(TokenKind.Ident, line.Substring(start, i - start), 0, start + 1));
                continue;
            }
            if (char.IsDigit(c))
            {
                bool hex = c == '0' && i + 1 < line.Length && (line[i + 1] == 'x' || line[i + 1] == 'X');
                if (hex) i += 2;
                int digitsStart = i;
                while (i < line.Length && (IsDigit(line[i], hex) || line[i] == '_')) i++;
                if (i < line.Length && (char.IsLetter(line[i]) || line[i] == '_'))
                {
                    error = $"Malformed number '{line.Substring(start, i - start + 1)}'";
                    errorColumn = start + 1;
                    return false;
                }
                string digits = line.Substring(digitsStart, i - digitsStart).Replace("_", "");
                bool ok = hex
                    ? ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
                    : ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);
                if (!ok || digits.Length == 0)
                {
                    error = $"Malformed number '{line.Substring(start, i - start)}'";
                    errorColumn = start + 1;
                    return false;
                }
                tokens.Add(new Token(TokenKind.Number, line.Substring(start, i - start), value, start + 1));
                continue;
            }
            if (c == '"')
            {
                var sb = new StringBuilder();
                i++;
                bool closed = false;
                while (i < line.Length)
                {
                    char d = line[i++];
                    if (d == '"') { closed = true; break; }
                    if (d == '\\' && i < line.Length) d = line[i++];
                    sb.Append(d);
                }
                if (!closed)
                {
                    error = "Unterminated string";
                    errorColumn = start + 1;
                    return false;
                }
                tokens.Add(new Token(TokenKind.String, sb.ToString(), 0, start + 1));
                continue;
            }
            if (i + 1 < line.Length)
            {
                string two = line.Substring(i, 2);
                if (System.Array.IndexOf(TwoCharSymbols, two) >= 0)
                {
                    tokens.Add(new Token(TokenKind.Symbol, two, 0, start + 1));
                    i += 2;
                    continue;
                }
            }
            if ("<>!&|+-*()=[],.".IndexOf(c) >= 0)
            {
                tokens.Add(new Token(TokenKind.Symbol, c.ToString(), 0, start + 1));
                i++;
                continue;
            }
            error = $"Unexpected character '{c}'";
            errorColumn = start + 1;
            return false;
        }
        return true;
    }

    private static bool IsDigit(char c, bool hex)
        => (c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
}
