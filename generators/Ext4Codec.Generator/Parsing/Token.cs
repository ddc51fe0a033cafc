namespace Ext4Codec.Generator.Parsing;

public enum TokenKind { Ident, Number, String, Symbol }

/// <summary>A token of one spec line; <see cref="Column"/> is 1-based.</summary>
public readonly record struct Token(TokenKind Kind, string Text, ulong Number, int Column)
{
    public bool Is(string text) => (Kind is TokenKind.Ident or TokenKind.Symbol) && Text == text;
}
