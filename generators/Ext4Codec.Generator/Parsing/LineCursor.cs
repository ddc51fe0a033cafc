using System;
using System.Collections.Generic;

namespace Ext4Codec.Generator.Parsing;

/// <summary>A syntax error at a column of the current line.</summary>
public sealed class SpecSyntaxException : Exception
{
    public SpecSyntaxException(string message, int column, int length) : base(message)
    {
        Column = column;
        Length = length;
    }

    public int Column { get; }

    public int Length { get; }
}

/// <summary>Reads the tokens of one line; every expectation that fails throws a located <see cref="SpecSyntaxException"/>.</summary>
public sealed class LineCursor
{
    private readonly List<Token> _tokens;
    private readonly int _lineLength;
    private int _pos;

    public LineCursor(List<Token> tokens, int lineLength)
    {
        _tokens = tokens;
        _lineLength = lineLength;
    }

    public bool AtEnd => _pos >= _tokens.Count;

    public Token Peek(int ahead = 0) => _pos + ahead < _tokens.Count ? _tokens[_pos + ahead] : new Token(TokenKind.Symbol, "", 0, _lineLength + 1);

    public int Column => Peek().Column;

    public Token Next()
    {
        var t = Peek();
        if (AtEnd) throw Fail("Unexpected end of line");
        _pos++;
        return t;
    }

    public bool TryTake(string text)
    {
        if (!AtEnd && Peek().Is(text))
        {
            _pos++;
            return true;
        }
        return false;
    }

    public void Expect(string text)
    {
        if (!TryTake(text)) throw Fail($"Expected '{text}'");
    }

    public string ExpectIdent(string what)
    {
        var t = Peek();
        if (t.Kind != TokenKind.Ident) throw Fail($"Expected {what}");
        _pos++;
        return t.Text;
    }

    public ulong ExpectNumber(string what)
    {
        var t = Peek();
        if (t.Kind != TokenKind.Number) throw Fail($"Expected {what}");
        _pos++;
        return t.Number;
    }

    public int ExpectInt(string what)
    {
        var col = Column;
        ulong v = ExpectNumber(what);
        if (v > int.MaxValue) throw new SpecSyntaxException($"{what} is too large", col, 1);
        return (int)v;
    }

    public string ExpectString(string what)
    {
        var t = Peek();
        if (t.Kind != TokenKind.String) throw Fail($"Expected {what} (a quoted string)");
        _pos++;
        return t.Text;
    }

    public void ExpectEnd()
    {
        if (!AtEnd) throw Fail($"Unexpected '{Peek().Text}'");
    }

    public SpecSyntaxException Fail(string message)
    {
        var t = Peek();
        return new SpecSyntaxException(message, t.Column, Math.Max(t.Text.Length, 1));
    }
}
