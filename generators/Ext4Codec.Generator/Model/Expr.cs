using Ext4Codec.Generator.Helpers;

namespace Ext4Codec.Generator.Model;

public enum ExprKind
{
    Number,
    Name,
    Unary,
    Binary,
    Has,
}

/// <summary>
/// A condition or offset expression. <see cref="Name"/> is the identifier (Name, Has) or operator
/// (Unary, Binary); <see cref="Member"/> is the flag member of a Has test.
/// </summary>
public sealed record Expr(ExprKind Kind, ulong Value, string Name, string Member, EquatableArray<Expr> Args)
{
    public static Expr Number(ulong value) => new(ExprKind.Number, value, "", "", EquatableArray<Expr>.Empty);

    public static Expr Ident(string name) => new(ExprKind.Name, 0, name, "", EquatableArray<Expr>.Empty);

    public static Expr Unary(string op, Expr operand) => new(ExprKind.Unary, 0, op, "", new[] { operand }.ToEquatableArray());

    public static Expr Binary(string op, Expr left, Expr right) => new(ExprKind.Binary, 0, op, "", new[] { left, right }.ToEquatableArray());

    public static Expr Has(string name, string member) => new(ExprKind.Has, 0, name, member, EquatableArray<Expr>.Empty);

    /// <summary>Spec-language text of the expression, used in docs and layout metadata.</summary>
    public override string ToString() => Kind switch
    {
        ExprKind.Number => Value < 10 ? Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "0x" + Value.ToString("X", System.Globalization.CultureInfo.InvariantCulture),
        ExprKind.Name => Name,
        ExprKind.Has => Name + " has " + Member,
        ExprKind.Unary => Name + Paren(Args[0]),
        _ => Paren(Args[0]) + " " + Name + " " + Paren(Args[1]),
    };

    private static string Paren(Expr e) => e.Kind is ExprKind.Binary ? "(" + e + ")" : e.ToString();
}
