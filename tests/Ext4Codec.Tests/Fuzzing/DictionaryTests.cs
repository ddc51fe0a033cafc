using System.IO;
using Ext4Codec.Fuzzing;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Fuzzing;

public class DictionaryTests
{
    /// <summary>fuzz/ext4.dict is what `ext4codec spec --dictionary` makes from the specs now, not a stale copy.</summary>
    [Fact]
    public void Checked_in_dictionary_matches_the_specs()
    {
        var generated = new StringWriter();
        FuzzDictionary.Write(generated);
        Assert.Equal(generated.ToString().ReplaceLineEndings("\n"), File.ReadAllText(RepoImages.PathOf("fuzz/ext4.dict")).ReplaceLineEndings("\n"));
    }

    /// <summary>The magic numbers land in the byte order of their fields: ext4 little-endian, jbd2 big-endian.</summary>
    [Fact]
    public void Magic_numbers_are_in_on_disk_byte_order()
    {
        var generated = new StringWriter();
        FuzzDictionary.Write(generated);
        string text = generated.ToString();
        Assert.Contains("ext4_super_block_s_magic=\"\\x53\\xEF\"", text);
        Assert.Contains("commit_header_h_magic=\"\\xC0\\x3B\\x39\\x98\"", text);
        Assert.Contains("fc_tag_HEAD=\"\\x09\\x00\\x08\\x00\"", text);
    }
}
