using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Ext4Codec.Generator.Diagnostics;
using Ext4Codec.Generator.Model;

namespace Ext4Codec.Generator.Binding;

public sealed partial class SpecBinder
{
    /// <summary>A name usable in an expression: numeric when <see cref="Numeric"/>, testable with 'has' when it has a flag set.</summary>
    private sealed record NameInfo(bool Numeric, string FlagsType);

    private void CheckStruct(StructSpec s)
    {
        var scope = new Dictionary<string, NameInfo> { ["size"] = new(true, "") };
        var fields = new Dictionary<string, FieldSpec>();
        foreach (var p in s.Params)
        {
            if (scope.ContainsKey(p.Name)) { Report(DiagnosticDescriptors.Duplicate, p.Key, p.Name, s.SpecName); continue; }
            CheckParamType(p, s.SpecName, allowUuid: false);
            scope[p.Name] = new NameInfo(p.Type.Kind == FieldKind.Scalar, p.FlagsType);
        }
        foreach (var f in s.Fields)
        {
            if (scope.ContainsKey(f.Name)) { Report(DiagnosticDescriptors.Duplicate, f.Key, f.Name, s.SpecName); continue; }
            CheckFieldType(f, s);
            fields[f.Name] = f;
            scope[f.Name] = new NameInfo(f.Type.Kind == FieldKind.Scalar, f.FlagsType);
        }
        foreach (var c in s.Combines)
        {
            if (scope.ContainsKey(c.Name)) { Report(DiagnosticDescriptors.Duplicate, c.Key, c.Name, s.SpecName); continue; }
            int width = 0;
            foreach (string part in new[] { c.Lo, c.Hi })
            {
                if (!fields.TryGetValue(part, out var pf)) Report(DiagnosticDescriptors.UnknownField, c.Key, part, s.SpecName);
                else if (pf.Type.Kind != FieldKind.Scalar || LayoutMath.IsSigned(pf.Type.Scalar))
                    Report(DiagnosticDescriptors.BadCondition, c.Key, $"'{part}' must be an unsigned integer field to be combined");
                else width += LayoutMath.Width(pf.Type.Scalar);
            }
            if (width > 8) Report(DiagnosticDescriptors.BadCondition, c.Key, $"'{c.Name}' would be wider than 64 bits");
            scope[c.Name] = new NameInfo(true, "");
        }
        CheckLayout(s);
        foreach (var f in s.Fields)
        {
            if (f.When is not null) CheckExpr(f.When, scope, f.Key + "|when", s.SpecName, boolean: true);
        }
        foreach (var c in s.Combines)
        {
            if (c.When is not null) CheckExpr(c.When, scope, c.Key + "|when", s.SpecName, boolean: true);
        }
        foreach (var k in s.Constraints) CheckConstraint(k, s, fields, scope);
        var checksumNames = new HashSet<string>();
        foreach (var k in s.Checksums)
        {
            if (!checksumNames.Add(k.Name)) Report(DiagnosticDescriptors.Duplicate, k.Key, k.Name, s.SpecName);
            CheckChecksum(k, s, fields, scope);
        }
    }

    private void CheckParamType(ParamSpec p, string owner, bool allowUuid)
    {
        bool ok = (p.Type.Kind == FieldKind.Scalar) || (allowUuid && p.Type.Kind == FieldKind.Uuid);
        if (!ok) Report(DiagnosticDescriptors.UnknownType, p.Key, allowUuid ? "a parameter must be an integer or uuid" : "a parameter must be an integer");
        if (p.FlagsType.Length > 0 && !_flagSets.ContainsKey(p.FlagsType)) Report(DiagnosticDescriptors.UnknownFlagSet, p.Key, p.FlagsType);
    }

    private void CheckFieldType(FieldSpec f, StructSpec s)
    {
        if (f.Type.Kind is FieldKind.Struct or FieldKind.StructArray && !_structs.ContainsKey(f.Type.StructName))
            Report(DiagnosticDescriptors.UnknownType, f.Key, f.Type.StructName);
        foreach (string set in new[] { f.FlagsType, f.EnumType })
        {
            if (set.Length == 0) continue;
            if (!_flagSets.TryGetValue(set, out var spec)) Report(DiagnosticDescriptors.UnknownFlagSet, f.Key, set);
            else if (f.Type.Kind != FieldKind.Scalar || spec.IsFlags != (set == f.FlagsType))
                Report(DiagnosticDescriptors.UnknownFlagSet, f.Key, set + (f.Type.Kind != FieldKind.Scalar ? " (only integer fields take a flag set or enum)" : spec.IsFlags ? " is a flag set: use 'flags'" : " is an enum: use 'enum'"));
        }
        if (f.Endian is not null && f.Type.Kind is not (FieldKind.Scalar or FieldKind.ScalarArray))
            Report(DiagnosticDescriptors.Syntax, f.Key, $"'{f.Name}': only integer fields take 'le' or 'be'");
    }

    /// <summary>Fixed-offset fields must tile [0, size); end-relative fields a contiguous tail; min must hold the tail.</summary>
    private void CheckLayout(StructSpec s)
    {
        int pos = 0;
        FieldSpec? previous = null;
        var head = s.Fields.Where(f => !f.FromEnd).OrderBy(f => f.Offset).ToList();
        for (int i = 0; i < head.Count; i++)
        {
            var f = head[i];
            if (f.Type.Kind == FieldKind.Flexible)
            {
                if (i != head.Count - 1 || f.Offset != s.Size)
                    Report(DiagnosticDescriptors.BadSize, f.Key, s.SpecName, $"the flexible array '{f.Name}' must be the last field and start at the declared size");
                if (f.Offset > pos) Report(DiagnosticDescriptors.Gap, f.Key, Hex(pos), Hex(f.Offset), s.SpecName);
                pos = System.Math.Max(pos, f.Offset);
                continue;
            }
            if (f.Offset < pos && previous is not null) Report(DiagnosticDescriptors.Overlap, f.Key, f.Name, previous.Name, s.SpecName);
            else if (f.Offset > pos) Report(DiagnosticDescriptors.Gap, f.Key, Hex(pos), Hex(f.Offset), s.SpecName);
            pos = System.Math.Max(pos, f.Offset + LayoutMath.Width(f.Type, _sizes));
            previous = f;
        }
        if (pos != s.Size) Report(DiagnosticDescriptors.SizeMismatch, s.Key, s.SpecName, Hex(pos), Hex(s.Size));

        var tail = s.Fields.Where(f => f.FromEnd).OrderByDescending(f => f.Offset).ToList();
        if (tail.Count > 0)
        {
            int top = tail[0].Offset;
            int at = top;
            previous = null;
            foreach (var f in tail)
            {
                if (f.Type.Kind == FieldKind.Flexible) { Report(DiagnosticDescriptors.BadSize, f.Key, s.SpecName, "a flexible array cannot be end-relative"); continue; }
                if (f.Offset > at && previous is not null) Report(DiagnosticDescriptors.Overlap, f.Key, f.Name, previous.Name, s.SpecName);
                else if (f.Offset < at) Report(DiagnosticDescriptors.Gap, f.Key, "end-" + Hex(at), "end-" + Hex(f.Offset), s.SpecName);
                at = f.Offset - LayoutMath.Width(f.Type, _sizes);
                previous = f;
            }
            if (at != 0) Report(DiagnosticDescriptors.Gap, tail[tail.Count - 1].Key, "end-" + Hex(at), "end", s.SpecName);
            if (s.MinSize < top) Report(DiagnosticDescriptors.BadSize, s.Key, s.SpecName, $"min {s.MinSize} is smaller than the {top}-byte tail");
        }
        if (s.MinSize > s.Size && tail.Count == 0)
            Report(DiagnosticDescriptors.BadSize, s.Key, s.SpecName, $"min {s.MinSize} exceeds size {s.Size}");
    }

    private void CheckConstraint(ConstraintSpec k, StructSpec s, Dictionary<string, FieldSpec> fields, Dictionary<string, NameInfo> scope)
    {
        switch (k.Kind)
        {
            case ConstraintKind.Magic:
                if (!fields.TryGetValue(k.Field, out var mf)) Report(DiagnosticDescriptors.UnknownField, k.Key, k.Field, s.SpecName);
                else if (mf.Type.Kind != FieldKind.Scalar) Report(DiagnosticDescriptors.BadCondition, k.Key, $"magic field '{k.Field}' must be an integer");
                else if (LayoutMath.Width(mf.Type.Scalar) < 8 && k.Value >> (LayoutMath.Width(mf.Type.Scalar) * 8) != 0)
                    Report(DiagnosticDescriptors.ValueTooLarge, k.Key, k.Value.ToString("X", CultureInfo.InvariantCulture), mf.Type.Scalar.ToString().ToLowerInvariant());
                break;
            case ConstraintKind.Reserved:
                if (!fields.ContainsKey(k.Field)) Report(DiagnosticDescriptors.UnknownField, k.Key, k.Field, s.SpecName);
                break;
            case ConstraintKind.Check:
                CheckExpr(k.Condition!, scope, k.Key, s.SpecName, boolean: true);
                break;
            case ConstraintKind.Feature:
                CheckFlagRef(k.Field, k.Key);
                break;
        }
    }

    private void CheckFlagRef(string reference, string key)
    {
        int dot = reference.IndexOf('.');
        string set = reference.Substring(0, dot);
        string member = reference.Substring(dot + 1);
        if (!_flagSets.TryGetValue(set, out var spec)) Report(DiagnosticDescriptors.UnknownFlagSet, key, set);
        else if (spec.Members.All(m => m.Name != member)) Report(DiagnosticDescriptors.BadCondition, key, $"'{member}' is not a member of {set}");
    }

    private void CheckChecksum(ChecksumSpec k, StructSpec s, Dictionary<string, FieldSpec> fields, Dictionary<string, NameInfo> structScope)
    {
        var scope = new Dictionary<string, NameInfo>(structScope);
        var uuids = new HashSet<string>();
        foreach (var p in k.Params)
        {
            if (scope.ContainsKey(p.Name)) { Report(DiagnosticDescriptors.Duplicate, p.Key, p.Name, s.SpecName + "." + k.Name); continue; }
            CheckParamType(p, s.SpecName, allowUuid: true);
            if (p.Type.Kind == FieldKind.Uuid) uuids.Add(p.Name);
            else scope[p.Name] = new NameInfo(true, p.FlagsType);
        }
        if (k.Store.At is null)
        {
            bool isCombine = s.Combines.Any(c => c.Name == k.Store.Field);
            if (!isCombine && !(fields.TryGetValue(k.Store.Field, out var sf) && sf.Type.Kind == FieldKind.Scalar))
                Report(DiagnosticDescriptors.BadChecksum, k.Key, k.Name, $"'{k.Store.Field}' is not an integer field or combine of {s.SpecName}");
        }
        else
        {
            CheckExpr(k.Store.At, scope, k.Key, s.SpecName, boolean: false);
        }
        if (k.When is not null) CheckExpr(k.When, scope, k.Key, s.SpecName, boolean: true);
        if (k.Feature.Length > 0) CheckFlagRef(k.Feature, k.Key);
        if (k.Steps.Count == 0 || k.Steps[0].Kind != StepKind.Seed)
            Report(DiagnosticDescriptors.BadChecksum, k.Key, k.Name, "the first step must be 'seed'");
        for (int i = 0; i < k.Steps.Count; i++)
        {
            var step = k.Steps[i];
            switch (step.Kind)
            {
                case StepKind.XorOut:
                    if (i != k.Steps.Count - 1) Report(DiagnosticDescriptors.BadChecksum, k.Key, k.Name, "'xorout' must be the last step");
                    CheckExpr(step.From!, scope, k.Key, s.SpecName, boolean: false);
                    break;
                case StepKind.Seed:
                case StepKind.Value:
                    CheckExpr(step.From!, scope, k.Key, s.SpecName, boolean: false);
                    break;
                case StepKind.Bytes:
                    if (!uuids.Contains(step.Name)) Report(DiagnosticDescriptors.BadChecksum, k.Key, k.Name, $"'bytes {step.Name}' needs a uuid parameter");
                    break;
                case StepKind.Data:
                    CheckExpr(step.From!, scope, k.Key, s.SpecName, boolean: false);
                    CheckExpr(step.To!, scope, k.Key, s.SpecName, boolean: false);
                    foreach (var hole in step.Holes)
                    {
                        if (!fields.TryGetValue(hole.Field, out var hf)) Report(DiagnosticDescriptors.UnknownField, k.Key, hole.Field, s.SpecName);
                        else if (hf.FromEnd || hf.Type.Kind == FieldKind.Flexible)
                            Report(DiagnosticDescriptors.BadChecksum, k.Key, k.Name, $"'{hole.Field}' must be a fixed-offset field to be zeroed or skipped");
                    }
                    break;
            }
        }
    }

    private void CheckTlv(TlvSpec t)
    {
        var scope = new Dictionary<string, NameInfo>();
        foreach (var p in t.Params)
        {
            CheckParamType(p, t.TypeName, allowUuid: false);
            scope[p.Name] = new NameInfo(true, p.FlagsType);
        }
        if (!_structs.TryGetValue(t.Header, out var header))
        {
            Report(DiagnosticDescriptors.BadTlv, t.Key, t.TypeName, $"unknown header structure '{t.Header}'");
        }
        else
        {
            foreach (string name in new[] { t.TagField, t.LengthField })
            {
                var f = header.Fields.FirstOrDefault(x => x.Name == name);
                if (f is null || f.Type.Kind != FieldKind.Scalar || f.FromEnd)
                    Report(DiagnosticDescriptors.BadTlv, t.Key, t.TypeName, $"'{name}' is not an integer field of {t.Header}");
            }
        }
        var values = new HashSet<ulong>();
        var names = new HashSet<string>();
        foreach (var m in t.Members)
        {
            if (!values.Add(m.Value) || !names.Add(m.Name)) Report(DiagnosticDescriptors.Duplicate, m.Key, m.Name, t.TypeName);
            if (m.ValueStruct.Length > 0 && !_structs.ContainsKey(m.ValueStruct))
                Report(DiagnosticDescriptors.BadTlv, m.Key, t.TypeName, $"unknown value structure '{m.ValueStruct}'");
            if (m.Length.Min is not null) CheckExpr(m.Length.Min, scope, m.Key, t.TypeName, boolean: false);
            if (m.Length.Max is not null) CheckExpr(m.Length.Max, scope, m.Key, t.TypeName, boolean: false);
        }
    }

    private static readonly HashSet<string> BooleanOps = new() { "||", "&&", "==", "!=", "<", "<=", ">", ">=" };

    /// <summary>Resolves every name, and checks that conditions are boolean and offsets numeric.</summary>
    private void CheckExpr(Expr e, Dictionary<string, NameInfo> scope, string key, string owner, bool boolean)
    {
        bool isBool = IsBoolean(e, scope, key, owner);
        if (boolean && !isBool) Report(DiagnosticDescriptors.BadCondition, key, $"'{e}' is a number where a condition is needed");
        if (!boolean && isBool) Report(DiagnosticDescriptors.BadCondition, key, $"'{e}' is a condition where a number is needed");
    }

    private bool IsBoolean(Expr e, Dictionary<string, NameInfo> scope, string key, string owner)
    {
        switch (e.Kind)
        {
            case ExprKind.Number:
                return false;
            case ExprKind.Name:
                if (!scope.TryGetValue(e.Name, out var info)) Report(DiagnosticDescriptors.BadCondition, key, $"'{e.Name}' is not a field, combine or parameter of {owner}");
                else if (!info.Numeric) Report(DiagnosticDescriptors.BadCondition, key, $"'{e.Name}' is not an integer");
                return false;
            case ExprKind.Has:
                if (!scope.TryGetValue(e.Name, out var f)) Report(DiagnosticDescriptors.BadCondition, key, $"'{e.Name}' is not a field or parameter of {owner}");
                else if (f.FlagsType.Length == 0) Report(DiagnosticDescriptors.BadCondition, key, $"'{e.Name}' has no flag set, so 'has' cannot test it");
                else if (_flagSets.TryGetValue(f.FlagsType, out var set) && set.Members.All(m => m.Name != e.Member))
                    Report(DiagnosticDescriptors.BadCondition, key, $"'{e.Member}' is not a member of {f.FlagsType}");
                return true;
            case ExprKind.Unary:
                if (!IsBoolean(e.Args[0], scope, key, owner)) Report(DiagnosticDescriptors.BadCondition, key, $"'!' needs a condition: '{e}'");
                return true;
            default:
                bool left = IsBoolean(e.Args[0], scope, key, owner);
                bool right = IsBoolean(e.Args[1], scope, key, owner);
                if (e.Name is "||" or "&&")
                {
                    if (!left || !right) Report(DiagnosticDescriptors.BadCondition, key, $"'{e.Name}' needs conditions on both sides: '{e}'");
                }
                else if (left || right)
                {
                    Report(DiagnosticDescriptors.BadCondition, key, $"'{e.Name}' needs numbers on both sides: '{e}'");
                }
                return BooleanOps.Contains(e.Name);
        }
    }

    private static string Hex(int value) => value.ToString("X", CultureInfo.InvariantCulture);
}
