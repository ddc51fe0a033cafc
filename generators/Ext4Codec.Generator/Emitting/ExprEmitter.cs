using System.Collections.Generic;
using Ext4Codec.Generator.Model;

namespace Ext4Codec.Generator.Emitting;

/// <summary>
/// Turns a spec expression into C#. Numbers are evaluated as <c>long</c> so offsets like <c>size - 12</c> can go
/// negative and fail a bounds check instead of wrapping; conditions are C# booleans.
/// </summary>
public sealed class ExprEmitter
{
    private readonly Dictionary<string, string> _names;
    private readonly Dictionary<string, string> _flagSets;

    /// <param name="names">spec name → C# expression that reads it.</param>
    /// <param name="flagSets">spec name → the C# flag type it holds, for 'has'.</param>
    public ExprEmitter(Dictionary<string, string> names, Dictionary<string, string> flagSets)
    {
        _names = names;
        _flagSets = flagSets;
    }

    public string Emit(Expr e) => e.Kind switch
    {
        ExprKind.Number => Names.Hex(e.Value) + (e.Value > long.MaxValue ? "UL" : "L"),
        ExprKind.Name => "((long)" + _names[e.Name] + ")",
        ExprKind.Has => "((" + _names[e.Name] + " & " + _flagSets[e.Name] + "." + e.Member + ") != 0)",
        ExprKind.Unary => "!" + Emit(e.Args[0]),
        // C# shifts take an int count; a hostile count is masked like C#'s own long shift (& 63).
        _ when e.Name is "<<" or ">>" => "(" + Emit(e.Args[0]) + " " + e.Name + " (int)(" + Emit(e.Args[1]) + " & 63L))",
        _ => "(" + Emit(e.Args[0]) + " " + e.Name + " " + Emit(e.Args[1]) + ")",
    };
}
