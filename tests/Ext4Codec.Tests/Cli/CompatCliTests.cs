using System.IO;
using System.Linq;
using System.Text.Json;
using Ext4Codec.Tests.Corpus;
using Ext4Codec.Tests.Versioning;
using Ext4Codec.Format;
using Ext4Codec.Versioning;
using Xunit;

namespace Ext4Codec.Tests.Cli;

/// <summary>
/// The versioning verbs as a user runs them: compat (exit 4 when a reader drops records silently, the standard
/// scenario in JSON), fc --write (the JSON commit description, refusals with the reason and exit 8), replay and
/// check with proposals found from the image's flags.
/// </summary>
public sealed class CompatCliTests
{
    [Fact]
    public void Compat_reports_every_reader_and_the_scenario_in_json()
    {
        var (exit, output, errors) = Ext4CodecProcess.Run("compat", RepoImages.PathOf(CompatCorpus.BaseImage), "--json");
        Assert.True(exit == 0, errors);
        using var doc = JsonDocument.Parse(output);
        var readers = doc.RootElement.GetProperty("readers").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(ReaderRules.Released.Count + 1, readers.Count);
        Assert.Contains("linux_6_18", readers);
        Assert.Contains("e2fsck_1_47_0", readers);
        var variants = doc.RootElement.GetProperty("scenario").GetProperty("variants").EnumerateArray().ToList();
        Assert.Equal(ScenarioVariant.All().Select(v => v.Name), variants.Select(v => v.GetProperty("variant").GetString()));
        var ungated = variants.Single(v => v.GetProperty("variant").GetString() == "CREAT_DEV-ungated-later");
        var linux = ungated.GetProperty("readers").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "linux_6_18");
        Assert.Equal("truncated", linux.GetProperty("replay").GetProperty("kind").GetString());
        Assert.True(linux.GetProperty("replay").GetProperty("silently_dropped").GetInt32() > 0);
        Assert.False(linux.GetProperty("whiteouts").GetProperty("all_survive").GetBoolean());
    }

    [Fact]
    public void Compat_exits_4_when_a_reader_drops_records_silently()
    {
        string folder = Directory.CreateTempSubdirectory("compat-cli-").FullName;
        try
        {
            string ungated = CompatCorpus.WriteVariant(new ScenarioVariant(SpecProposals.FcFeature, false, true), folder);
            var (exit, output, _) = Ext4CodecProcess.Run("compat", ungated, "--no-scenario");
            Assert.Equal(4, exit);
            Assert.Contains("warning: Linux 6.18 silently drops", output);
            string gated = CompatCorpus.WriteVariant(new ScenarioVariant(SpecProposals.FcFeature, true, true), folder);
            (exit, output, _) = Ext4CodecProcess.Run("compat", gated, "--no-scenario");
            Assert.Equal(0, exit);
            Assert.Contains("proposal fc_feature", output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Fc_write_takes_a_json_description_and_refuses_with_reasons()
    {
        string folder = Directory.CreateTempSubdirectory("fc-write-cli-").FullName;
        try
        {
            string image = RepoImages.PathOf(CompatCorpus.BaseImage);
            string doc = Path.Combine(folder, "commits.json");
            string output = Path.Combine(folder, "out.img");
            File.WriteAllText(doc, """
                { "proposal": "fc_feature",
                  "commits": [ [ { "tag": "INODE", "fc_ino": 14, "inode": { "i_mode": "0o20000", "i_links_count": 1, "i_extra_isize": 32 } },
                                 { "tag": "CREAT_DEV", "fc_parent_ino": 12, "fc_ino": 14, "fc_mode": "0o20000", "fc_rdev": "0:0", "fc_dname": "b" } ] ] }
                """);
            var (exit, stdout, errors) = Ext4CodecProcess.Run("fc", image, "--write", doc, "-o", output, "--json");
            Assert.True(exit == 0, errors);
            using (var json = JsonDocument.Parse(stdout))
            {
                Assert.Equal(1, json.RootElement.GetProperty("fc_features").GetInt32());
                var area = json.RootElement.GetProperty("area");
                Assert.Equal("ext4codec+fc_feature", area.GetProperty("reader").GetString());
                Assert.Equal("replay", area.GetProperty("outcome").GetString());
                Assert.Equal(new[] { "HEAD", "INODE", "CREAT_DEV", "TAIL" }, area.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("fc_tag").GetString() ?? "").ToArray());
            }
            // Read as Linux 6.18 reads it: the HEAD bit fails the scan.
            var (plainExit, plain, _) = Ext4CodecProcess.Run("fc", output, "--proposal", "none");
            Assert.Equal(4, plainExit);
            Assert.Contains("EOPNOTSUPP", plain);
            File.Delete(output);

            File.WriteAllText(doc, File.ReadAllText(doc).Replace("\"proposal\": \"fc_feature\",", ""));
            (exit, _, errors) = Ext4CodecProcess.Run("fc", image, "--write", doc, "-o", output);
            Assert.Equal(8, exit);
            Assert.Contains("name the proposal", errors);
            Assert.False(File.Exists(output), "nothing is left behind on refusal");

            File.WriteAllText(doc, """{ "omit_gate": true, "commits": [] }""");
            (exit, _, errors) = Ext4CodecProcess.Run("fc", image, "--write", doc, "-o", output);
            Assert.Equal(8, exit);
            Assert.Contains("$.omit_gate", errors);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Replay_and_check_find_the_proposal_from_the_image()
    {
        string folder = Directory.CreateTempSubdirectory("replay-cli-").FullName;
        try
        {
            string gated = CompatCorpus.WriteVariant(new ScenarioVariant(SpecProposals.SbIncompat, true, true), folder);
            string replayed = Path.Combine(folder, "replayed.img");
            var (exit, output, errors) = Ext4CodecProcess.Run("replay", gated, "-o", replayed);
            Assert.True(exit == 0, errors);
            Assert.Contains("fast commits: 12 records replayed", output);
            Assert.Contains("no committed transaction to replay", output);
            Assert.Equal(0, Ext4CodecProcess.Run("check", replayed).Exit);
            // Before the replay e2fsck 1.47.0 refuses INCOMPAT 0x80000; taught the proposal, it checks (and finds the log pending).
            Assert.Equal(8, Ext4CodecProcess.Run("check", gated).Exit);
            Assert.NotEqual(8, Ext4CodecProcess.Run("check", gated, "--proposal", "sb_incompat").Exit);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
