using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using Ext4Codec.FileSystem;
using Ext4Codec.Format;
using Ext4Codec.Journal;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Format;

/// <summary>
/// Generated checksums against the values e2fsprogs and the kernel stored in clean corpus images, and against a
/// bitwise reference CRC computed here from the kernel's definition of each checksum.
/// </summary>
public class CorpusChecksumTests
{
    /// <summary>Images e2fsck -fn finds nothing wrong with (some "clean" labels only mean -n answered no early).</summary>
    public static IEnumerable<object[]> CleanImages => E2fsCorpus.Ids(r => r["label"] == "clean" && r["fn_problem_codes_1470"].Length == 0
        && r["dumpe2fs_exit"] == "0" && r["sb_source"] == "primary");

    [SkippableTheory]
    [MemberData(nameof(CleanImages))]
    public void Stored_checksums_verify(string id)
    {
        Skip.If(id == E2fsCorpus.Absent, E2fsCorpus.SkipReason);
        using var image = E2fsCorpus.Extract(id);
        using var fs = Ext4FileSystem.Open(image.Path);
        var sb = fs.SuperBlock;
        bool metadataCsum = fs.Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_METADATA_CSUM);
        if (metadataCsum)
        {
            Assert.True(sb.VerifyCsum());
            Assert.Equal(ReferenceCrc.Crc32c(0xFFFFFFFF, sb.Data[..0x3FC]), sb.ComputeCsum());
        }
        for (uint g = 0; g < fs.Geometry.GroupCount; g++)
        {
            var gd = fs.GroupDescriptor(g);
            if (metadataCsum)
            {
                Assert.True(gd.VerifyMetadataCsum(fs.ChecksumSeed, g), $"group {g}");
                Assert.Equal((ushort)ReferenceGroupCsum32(fs.ChecksumSeed, g, gd.Data), gd.bg_checksum);
            }
            else if (fs.Geometry.Has(Ext4FeatureRoCompat.RO_COMPAT_GDT_CSUM))
            {
                Assert.True(gd.VerifyGdtCsum(sb.s_uuid, g), $"group {g}");
                Assert.Equal(ReferenceGroupCsum16(sb.s_uuid, g, gd.Data), gd.bg_checksum);
            }
        }
        if (metadataCsum)
        {
            foreach (uint ino in new uint[] { 2, 7, 8, 11 })
            {
                if (ino > fs.Geometry.InodesCount) continue;
                var inode = fs.ReadInode(ino);
                if (inode.i_mode == 0 || inode.i_links_count == 0) continue;
                Assert.True(inode.VerifyCsum(fs.ChecksumSeed, ino), $"inode {ino}");
            }
        }
        var journal = JournalLocator.Locate(fs);
        if (JournalLocator.TryReadSuperblock(fs, journal, out var jsb) && jsb.CsumApplies)
        {
            Assert.True(jsb.VerifyCsum());
            var copy = jsb.Data.ToArray();
            BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(0xFC), 0);
            Assert.Equal(ReferenceCrc.Crc32c(0xFFFFFFFF, copy), jsb.s_checksum);
        }
    }

    /// <summary>Kernel ext4_group_desc_csum, metadata_csum: crc32c(seed, le32 group, desc with bg_checksum zeroed).</summary>
    private static uint ReferenceGroupCsum32(uint seed, uint group, ReadOnlySpan<byte> desc)
    {
        var copy = desc.ToArray();
        copy[0x1E] = copy[0x1F] = 0;
        Span<byte> le = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(le, group);
        return ReferenceCrc.Crc32c(ReferenceCrc.Crc32c(seed, le), copy);
    }

    /// <summary>Kernel ext4_group_desc_csum, gdt_csum: crc16(~0, uuid, le32 group, desc without bg_checksum).</summary>
    private static ushort ReferenceGroupCsum16(ReadOnlySpan<byte> uuid, uint group, ReadOnlySpan<byte> desc)
    {
        Span<byte> le = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(le, group);
        ushort crc = ReferenceCrc.Crc16(ReferenceCrc.Crc16(ReferenceCrc.Crc16(0xFFFF, uuid), le), desc[..0x1E]);
        return ReferenceCrc.Crc16(crc, desc[0x20..]);
    }
}
