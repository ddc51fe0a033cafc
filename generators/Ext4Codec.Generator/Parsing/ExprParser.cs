using System.Collections.Generic;
using Ext4Codec.Generator.Model;

namespace Ext4Codec.Generator.Parsing;

/// <summary>
/// Precedence climbing over one line's tokens. An expression ends at a string, at <c>..</c>, or at a clause
/// keyword, so conditions can be followed by <c>since</c>, <c>feature</c> or a doc string on the same line.
/// </summary>
public static class ExprParser
{
    private static readonly HashSet<string> StopWords = new()
    {
        "since", "feature", "store", "when", "name", "value", "length", "zero", "skip", "flags", "enum",
    };

    private static readonly string[][] Levels =
    {
        new[] { "||" },
        new[] { "&&" },
        new[] { "|" },
        new[] { "&" },
        new[] { "==", "!=", "<", "<=", ">", ">=" },
        new[] { "<<", ">>" },
        new[] { "+", "-" },
        new[] { "*" },
    };

    public static Expr Parse(LineCursor c) => ParseLevel(c, 0);

    private static Expr ParseLevel(LineCursor c, int level)
    {
        if (level == Levels.Length) return ParseUnary(c);
        var left = ParseLevel(c, level + 1);
        while (!c.AtEnd && c.Peek().Kind == TokenKind.Symbol && System.Array.IndexOf(Levels[level], c.Peek().Text) >= 0)
        {
            string op = c.Next().Text;
            var right = ParseLevel(c, level + 1);
            left = Expr.Binary(op, left, right);
        }
        return left;
    }

    private static Expr ParseUnary(LineCursor c)
    {
        if (c.TryTake("!")) return Expr.Unary("!", ParseUnary(c));
        return ParsePrimary(c);
    }

    private static Expr ParsePrimary(LineCursor c)
    {
        var t = c.Peek();
        if (t.Kind == TokenKind.Number)
        {
            c.Next();
            return Expr.Number(t.Number);
        }
        if (t.Is("("))
        {
            c.Next();
            var inner = Parse(c);
            c.Expect(")");
            return inner;
        }
        if (t.Kind == TokenKind.Ident && !StopWords.Contains(t.Text))
        {
            c.Next();
            if (c.TryTake("has")) return Expr.Has(t.Text, c.ExpectIdent("a flag member after 'has'"));
            return Expr.Ident(t.Text);
        }
        throw c.Fail("Expected an expression");
    }
}
