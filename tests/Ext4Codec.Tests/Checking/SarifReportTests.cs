using System.IO;
using System.Linq;
using System.Text.Json;
using Ext4Codec.Checking;
using Ext4Codec.Imaging;
using Ext4Codec.Reports;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Checking;

/// <summary>SARIF 2.1.0 output of a check with findings: one result per finding under its problem code, located by byte offset.</summary>
public sealed class SarifReportTests
{
    [SkippableFact]
    public void Findings_become_sarif_results_with_their_problem_codes()
    {
        Skip.If(E2fsCorpus.Root is null, E2fsCorpus.SkipReason);
        using var extracted = E2fsCorpus.Extract("f_dup");
        using var image = DiskImage.Open(extracted.Path);
        var result = FsckChecker.Check(image);
        Assert.Contains(result.Findings, f => f.Code == "PR_1B_DUP_BLOCK_HEADER");
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream)) SarifReport.Write(w, "file:///f_dup.img", result);
        using var doc = JsonDocument.Parse(stream.ToArray());
        var root = doc.RootElement;
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        var run = root.GetProperty("runs")[0];
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(result.Findings.Count, results.Count);
        Assert.Equal(result.Findings.Select(f => f.Code).Distinct().Order(), rules.Order());
        for (int i = 0; i < results.Count; i++)
        {
            Assert.Equal(result.Findings[i].Code, results[i].GetProperty("ruleId").GetString());
            Assert.Equal(result.Findings[i].CountsAsError ? "error" : "note", results[i].GetProperty("level").GetString());
        }
    }
}
