using System.Text;
using Ext4Codec.Generator.Diagnostics;

namespace Ext4Codec.Generator.Tests;

/// <summary>The diagnostics table of docs/spec-language.md, rendered from the generator's descriptors.</summary>
public static class DiagnosticTable
{
    public static string Render()
    {
        var sb = new StringBuilder("| Id | Meaning | Fix |\n|---|---|---|\n");
        foreach (var d in DiagnosticDescriptors.All)
            sb.Append("| ").Append(d.Id).Append(" | ").Append(d.Title).Append(" | ").Append(d.Description).Append(" |\n");
        return sb.ToString();
    }
}
