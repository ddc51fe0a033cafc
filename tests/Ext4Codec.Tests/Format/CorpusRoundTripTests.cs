using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Journal;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Format;

/// <summary>Structures read from every readable corpus image, copied field by field through the generated writers, come out byte-identical.</summary>
public class CorpusRoundTripTests
{
    public static IEnumerable<object[]> Images => E2fsCorpus.Ids(r => r["dumpe2fs_exit"] == "0" && r["sb_source"] == "primary");

    [SkippableTheory]
    [MemberData(nameof(Images))]
    public void Generated_writers_reproduce_every_byte(string id)
    {
        Skip.If(id == E2fsCorpus.Absent, E2fsCorpus.SkipReason);
        using var image = E2fsCorpus.Extract(id);
        using var fs = Ext4FileSystem.Open(image.Path);

        var sb = fs.SuperBlock;
        var sbCopy = new byte[sb.Length];
        sb.CopyTo(new SuperBlockWriter(sbCopy));
        Assert.Equal(sb.Data.ToArray(), sbCopy);

        for (uint g = 0; g < fs.Geometry.GroupCount && g < 4096; g++)
        {
            if (!fs.Image.TryRead(fs.GroupDescriptorOffset(g), (int)fs.Geometry.DescSize, out var bytes)) break;
            var gd = new GroupDescView(bytes);
            var copy = new byte[gd.Length];
            gd.CopyTo(new GroupDescWriter(copy));
            Assert.Equal(bytes.ToArray(), copy);
        }

        for (uint ino = 1; ino <= 16 && ino <= fs.Geometry.InodesCount; ino++)
        {
            InodeView inode;
            try { inode = fs.ReadInode(ino); }
            catch (CorruptDataException) { break; }
            var copy = new byte[inode.Length];
            inode.CopyTo(new InodeWriter(copy));
            Assert.Equal(inode.Data.ToArray(), copy);
        }

        JournalLocation journal;
        try { journal = JournalLocator.Locate(fs); }
        catch (CorruptDataException) { return; }
        if (JournalLocator.TryReadSuperblock(fs, journal, out var jsb))
        {
            var copy = new byte[jsb.Length];
            jsb.CopyTo(new JournalSuperblockWriter(copy));
            Assert.Equal(jsb.Data.ToArray(), copy);
        }
    }
}
