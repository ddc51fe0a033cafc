using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ext4Codec.Format;
using Ext4Codec.Fuzzing;
using Ext4Codec.Imaging;
using Ext4Codec.Tests.Corpus;
using Ext4Codec.Tests.Format;
using Xunit;
using Xunit.Abstractions;

namespace Ext4Codec.Tests.Fuzzing;

/// <summary>
/// Mutations of metadata_csum images keep their checksums valid, judged by e2fsck -fn (which verifies every
/// checksum it reads) and, for fast commits (which e2fsck -n does not replay), by TAIL CRCs recomputed here
/// with a bit-at-a-time crc32c. And each mutation lands where it says: the field's bytes are the new value.
/// </summary>
public class ResealingTests(ITestOutputHelper output)
{
    /// <summary>
    /// Fields that feed other structures' checksums (seeds, the checksum switch itself): changing them makes
    /// checksums elsewhere wrong by definition, whatever the mutator reseals.
    /// </summary>
    private static readonly HashSet<string> SeedFields =
    [
        "ext4_super_block.s_uuid", "ext4_super_block.s_checksum_seed", "ext4_super_block.s_feature_ro_compat",
        "ext4_super_block.s_feature_incompat", "ext4_super_block.s_checksum_type", "ext4_inode.i_generation",
        "ext4_group_desc.bg_block_bitmap_csum_lo", "ext4_group_desc.bg_block_bitmap_csum_hi",
        "ext4_group_desc.bg_inode_bitmap_csum_lo", "ext4_group_desc.bg_inode_bitmap_csum_hi",
        // The tail's own fields say whether the leaf has a checksum at all (ext2fs_dirent_csum_verify's tail test).
        "ext4_dir_leaf_block.det_tail",
        // info_length places the dx entries, and with them the count/limit and tail e2fsck checksums.
        "dx_root.info",
    ];

    [SkippableTheory]
    [InlineData("corpus/kernel/ext4-4k-csum.img.gz")]
    [InlineData("corpus/kernel/ext4-1k-csum-htree.img.gz")]
    public void Resealed_mutations_pass_e2fsck_checksum_verification(string relative)
    {
        Skip.If(ExternalTool.Find("e2fsck") is null, "e2fsck (e2fsprogs) is not installed");
        using var seed = new FuzzSeed(relative, DiskImage.Open(RepoImages.PathOf(relative)));
        string dir = Directory.CreateTempSubdirectory("resealing-").FullName;
        try
        {
            string file = Path.Combine(dir, "mutant.img");
            var tested = new Dictionary<string, int>();
            var failures = new List<string>();
            for (long i = 0; tested.Values.Sum() < 160 && i < 4000; i++)
            {
                var rng = FuzzRandom.ForIteration(20261125, i);
                using var mutant = new Mutant(seed.Image);
                var m = ImageMutator.Create(seed.Map, mutant.Image, ref rng);
                if (m is null || m.Target.Seal.Kind is SealKind.None or SealKind.FastCommit) continue;
                m.Apply(mutant, seed.Map);
                if (!m.Resealed || SeedFields.Contains(m.Target.Layout.SpecName + "." + m.TopField)) continue;
                Assert.True(mutant.Image.Read(m.Offset, m.NewBytes.Length).SequenceEqual(m.NewBytes), "the field does not hold the new value: " + m.Describe());
                Write(mutant, file);
                var (_, text, errors) = ExternalTool.Run("e2fsck", "-fn", file);
                var own = (text + errors).Split('\n').Where(l => NamesOwnChecksum(l, m)).ToList();
                if (own.Count > 0) failures.Add(m.Describe() + " -> " + own[0].Trim());
                // e2fsck says "Journal superblock is corrupt" for any fault there: its checksum is recomputed here instead.
                if (m.Target.Seal.Kind == SealKind.JournalSuperblock && !JournalSuperblockChecksumHolds(mutant.Image.Read(m.Target.Offset, 1024)))
                    failures.Add(m.Describe() + " -> jbd2 superblock checksum (recomputed here) does not match");
                tested[m.Target.Seal.Kind.ToString()] = tested.GetValueOrDefault(m.Target.Seal.Kind.ToString()) + 1;
            }
            foreach (var (kind, n) in tested.OrderBy(t => t.Key)) output.WriteLine($"{kind}: {n} resealed mutants");
            foreach (string f in failures) output.WriteLine("FAIL " + f);
            Assert.Empty(failures);
            Assert.True(tested.Count >= 5, "too few kinds of checksummed structure were mutated: " + string.Join(", ", tested.Keys));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Fast_commit_mutations_keep_every_valid_TAIL_valid()
    {
        const string relative = "corpus/fc/fc-4k-namespace.img.gz";
        using var seed = new FuzzSeed(relative, DiskImage.Open(RepoImages.PathOf(relative)));
        Assert.NotEmpty(seed.Map.FastCommitBlocks);
        var before = ValidTails(seed.Image, seed.Map);
        Assert.True(before.Count(v => v) > 0, "the seed has no valid fast commit");
        int tested = 0;
        for (long i = 0; tested < 200 && i < 20000; i++)
        {
            var rng = FuzzRandom.ForIteration(7, i);
            using var mutant = new Mutant(seed.Image);
            var m = ImageMutator.Create(seed.Map, mutant.Image, ref rng);
            // Value changes only: a header or stream change moves the TAILs themselves.
            if (m is null || m.Target.Seal.Kind != SealKind.FastCommit || m.Kind >= MutationKind.TlvInsert || m.Target.Layout == FcTlLayout.Instance || !m.Reseal) continue;
            m.Apply(mutant, seed.Map);
            Assert.True(mutant.Image.Read(m.Offset, m.NewBytes.Length).SequenceEqual(m.NewBytes), m.Describe());
            var after = ValidTails(mutant.Image, seed.Map);
            for (int t = 0; t < before.Count; t++)
                Assert.True(!before[t] || (t < after.Count && after[t]), $"TAIL {t} lost its CRC after {m.Describe()}");
            tested++;
        }
        output.WriteLine($"{tested} resealed fast-commit value mutations");
        Assert.Equal(200, tested);
    }

    /// <summary>
    /// Whether an e2fsck output line says the mutated structure's own checksum is wrong (e2fsck/problem.c's
    /// messages, and libext2fs's for the superblock). Checksums of other structures may break for reasons of
    /// their own: a moved bitmap or inode table is covered by a checksum of other bytes, a changed tail says
    /// the block has no checksum at all.
    /// </summary>
    private static bool NamesOwnChecksum(string line, Mutation m)
    {
        string where = m.Target.Where;
        string ino = System.Text.RegularExpressions.Regex.Match(where, @"inode (\d+)").Groups[1].Value;
        string block = System.Text.RegularExpressions.Regex.Match(where, @"block (\d+)").Groups[1].Value;
        string group = System.Text.RegularExpressions.Regex.Match(where, @"group (\d+)").Groups[1].Value;
        return m.Target.Seal.Kind switch
        {
            SealKind.SuperBlock => line.Contains("Superblock checksum does not match", StringComparison.Ordinal),
            SealKind.GroupDesc => line.Contains("Group descriptor " + group + " checksum is", StringComparison.Ordinal),
            SealKind.Inode => line.Contains("Inode " + ino + " passes checks, but checksum does not match inode", StringComparison.Ordinal),
            SealKind.ExtentBlock => line.Contains("Inode " + ino + " extent block passes checks, but checksum does not match", StringComparison.Ordinal),
            SealKind.XattrBlock => line.Contains("extended attribute block " + block + " passes checks, but checksum", StringComparison.Ordinal),
            SealKind.DirLeaf => line.Contains("Directory inode " + ino + ",", StringComparison.Ordinal) && line.Contains("fails checksum", StringComparison.Ordinal),
            SealKind.DxRoot or SealKind.DxNode => line.Contains("directory inode " + ino + ":", StringComparison.Ordinal) && line.Contains("fails checksum", StringComparison.Ordinal),
            _ => false,
        };
    }

    /// <summary>jbd2_superblock_csum by hand: crc32c from ~0 over the 1024-byte superblock with s_checksum (big-endian, at 0xFC) zeroed.</summary>
    private static bool JournalSuperblockChecksumHolds(ReadOnlySpan<byte> jsb)
    {
        var copy = jsb.ToArray();
        uint stored = BinaryPrimitives.ReadUInt32BigEndian(copy.AsSpan(0xFC));
        copy.AsSpan(0xFC, 4).Clear();
        return ReferenceCrc.Crc32c(0xFFFFFFFF, copy) == stored;
    }

    /// <summary>Whether each TAIL's fc_crc is crc32c (from 0) over the records since the previous TAIL through its fc_tid, recomputed independently.</summary>
    private static List<bool> ValidTails(DiskImage image, SeedMap map)
    {
        var valid = new List<bool>();
        uint crc = 0;
        foreach (long at in map.FastCommitBlocks)
        {
            var block = image.Read(at, map.JournalBlockSize);
            for (int cur = 0; block.Length - cur >= 4;)
            {
                ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(block[cur..]);
                int len = BinaryPrimitives.ReadUInt16LittleEndian(block[(cur + 2)..]);
                if (len > block.Length - cur - 4) break;
                if (tag == 8)
                {
                    crc = ReferenceCrc.Crc32c(crc, block.Slice(cur, 8));
                    valid.Add(BinaryPrimitives.ReadUInt32LittleEndian(block[(cur + 8)..]) == crc);
                    crc = 0;
                }
                else crc = ReferenceCrc.Crc32c(crc, block.Slice(cur, 4 + len));
                cur += 4 + len;
            }
        }
        return valid;
    }

    private static void Write(Mutant mutant, string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        const int chunk = 1 << 20;
        for (long at = 0; at < mutant.Image.Length; at += chunk)
        {
            var bytes = mutant.Image.Read(at, (int)Math.Min(chunk, mutant.Image.Length - at));
            if (bytes.IndexOfAnyExcept((byte)0) < 0) continue;
            file.Position = at;
            file.Write(bytes);
        }
        file.SetLength(mutant.Image.Length);
    }
}
