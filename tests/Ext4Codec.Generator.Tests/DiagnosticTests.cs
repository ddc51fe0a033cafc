using System.Linq;
using Xunit;

namespace Ext4Codec.Generator.Tests;

/// <summary>Each spec error is a compiler diagnostic at the spec file's line and column.</summary>
public class DiagnosticTests
{
    private const string Ns = "namespace T\n";

    public static TheoryData<string, string, int, int> Cases => new()
    {
        // spec text (line 1 is the namespace), expected id, line, column
        { Ns + "struct a size 4\n  0x0 u32 x \"doc\" extra\nend\n", "SPEC001", 3, 19 },
        { Ns + "struct a size 4\n  0x0 nosuch x\nend\n", "SPEC002", 3, 14 },
        { Ns + "struct a size 4\n  0x0 u32 x\n  0x2 u16 y\nend\n", "SPEC003", 4, 11 },
        { Ns + "struct a size 6\n  0x0 u16 x\n  0x4 u16 y\nend\n", "SPEC004", 4, 11 },
        { Ns + "struct a size 8\n  0x0 u32 x\nend\n", "SPEC005", 2, 8 },
        { Ns + "struct a size 4\n  0x0 u32 x when nosuch > 1\nend\n", "SPEC006", 3, 18 },
        { Ns + "struct a size 8\n  0x0 u32 x\n  0x4 u32 x\nend\n", "SPEC007", 4, 11 },
        { Ns + "struct a size 4\n  0x0 u16 x\n  0x2 u16 y\n  combine z = x + nosuch\nend\n", "SPEC008", 5, 11 },
        { "struct a size 4\n  0x0 u32 x\nend\n", "SPEC009", 1, 1 },
        { Ns + "struct a size 4\n  0x0 u32 x flags Nope\nend\n", "SPEC010", 3, 11 },
        { Ns + "flags F u8\n  0x100 BIG\nend\n", "SPEC011", 3, 9 },
        { Ns + "struct a size 4\n  0x0 a inner\nend\n", "SPEC012", 2, 8 },
        { Ns + "struct a size 4\n  0x0 u32 x\n  checksum c crc32c store x\n    data 0 .. 4\n  end\nend\n", "SPEC013", 4, 12 },
        { Ns + "tlv R header nosuch tag t length l\nend\n", "SPEC014", 2, 5 },
        { Ns + "struct a size 4\n  0x0 u8[] rest\n  0x0 u32 x\nend\n", "SPEC015", 3, 12 },
        { Ns + "struct a size 4\n  0x0 u32 x\n", "SPEC016", 4, 1 },
        { Ns + "proposal p\nend\nextend flags Nope proposal p\n  0x1 A\nend\n", "SPEC017", 4, 14 },
        { Ns + "flags F u8\nend\nextend flags F proposal nosuch\n  0x1 A\nend\n", "SPEC018", 4, 14 },
        { Ns + "profile r kind k version \"1\"\n  knows Nope all\nend\n", "SPEC019", 3, 9 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Spec_error_is_reported_at_its_line_and_column(string spec, string id, int line, int column)
    {
        var result = GeneratorHarness.Run(new InMemoryAdditionalText("/specs/t.spec", spec));
        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id == id);
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal("/specs/t.spec", span.Path);
        Assert.Equal((line, column), (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1));
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void Valid_spec_reports_nothing()
    {
        var result = GeneratorHarness.Run(GeneratorHarness.Spec("sample.spec"));
        Assert.Empty(result.Diagnostics);
        Assert.NotEmpty(result.GeneratedTrees);
    }

    [Fact]
    public void Every_descriptor_is_documented_in_the_language_reference()
    {
        string doc = System.IO.File.ReadAllText(System.IO.Path.Combine(System.AppContext.BaseDirectory, "docs", "spec-language.md"));
        string expected = DiagnosticTable.Render();
        Assert.True(doc.Contains(expected, System.StringComparison.Ordinal),
            "docs/spec-language.md must contain the diagnostics table generated from DiagnosticDescriptors:\n" + expected);
        Assert.Equal(Diagnostics.DiagnosticDescriptors.All.Length, Diagnostics.DiagnosticDescriptors.All.Select(d => d.Id).Distinct().Count());
    }
}
