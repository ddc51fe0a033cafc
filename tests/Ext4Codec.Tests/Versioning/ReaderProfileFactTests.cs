using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;
using Ext4Codec.FastCommit;
using Ext4Codec.Format;
using Ext4Codec.Tests.Format;
using Ext4Codec.Versioning;
using Xunit;

namespace Ext4Codec.Tests.Versioning;

/// <summary>
/// The reader profiles of versions this machine cannot run, held to the facts they cite (format-specs/profiles):
/// the feature masks equal the constants quoted from each release, and each scanner generation does with a
/// hand-made fast-commit area what its cited code does — S0 (5.10, 5.15, e2fsck: no bound on values, no length
/// checks), S1 (6.1.0: the last byte reserved, ADD_RANGE/HEAD/TAIL lengths checked), S2 (6.2+: whole blocks, every
/// length) — and how a failed recovery ends (EIO before 6.6, the errno after; e2fsck discards the journal).
/// </summary>
public sealed partial class ReaderProfileFactTests
{
    private static readonly ReaderProfile[] Kernels = [ReaderProfiles.Linux_5_10, ReaderProfiles.Linux_5_15, ReaderProfiles.Linux_6_1, ReaderProfiles.Linux_6_2, ReaderProfiles.Linux_6_18];

    private static readonly ReaderProfile[] Checkers = [ReaderProfiles.E2fsck_1_46_5, ReaderProfiles.E2fsck_1_47_0, ReaderProfiles.E2fsck_1_47_4];

    public static IEnumerable<object[]> Released()
    {
        foreach (var p in ReaderProfiles.All)
            if (p.Kind != "tool") yield return [p.Id];
    }

    [Theory]
    [MemberData(nameof(Released))]
    public void Known_members_add_up_to_the_cited_constants(string id)
    {
        var profile = ReaderProfiles.Find(id)!;
        var rules = ReaderRules.Of(profile);
        int cited = 0;
        foreach (var k in profile.Knowledge)
        {
            var m = CitedValue().Match(k.Source);
            if (!m.Success) continue;
            cited++;
            ulong value = m.Groups[1].Value.StartsWith("0x", StringComparison.Ordinal)
                ? ulong.Parse(m.Groups[1].Value[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                : ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.True(value == k.Mask, $"{id} {k.Set}: the members give 0x{k.Mask:x}, the source says {k.Source}");
            ulong used = k.Set switch
            {
                nameof(Ext4FeatureCompat) => (ulong)rules.KnownCompat,
                nameof(Ext4FeatureIncompat) => (ulong)rules.KnownIncompat,
                nameof(Ext4FeatureRoCompat) => (ulong)rules.KnownRoCompat,
                nameof(JournalFeatureIncompat) => (ulong)rules.KnownJournalIncompat,
                nameof(JournalFeatureRoCompat) => (ulong)rules.KnownJournalRoCompat,
                nameof(FcFeatures) => rules.Scan.SupportedFeatures,
                _ => value,
            };
            Assert.True(value == used, $"{id} {k.Set}: the rules use 0x{used:x}, the source says 0x{value:x}");
        }
        if (profile.From.Length == 0) Assert.True(cited >= 6, id + " cites the constants of every feature word it knows");
    }

    /// <summary>The e2fsprogs constants read at each tag (lib/ext2fs/ext2fs.h EXT2_LIB_FEATURE_*_SUPP), independent of the profile text.</summary>
    [Theory]
    [InlineData("e2fsck_1_46_5", 0x0E3Fu, 0x3E7DEu, 0xF77Bu)]
    [InlineData("e2fsck_1_47_0", 0x1E3Fu, 0x3E7DEu, 0x1F77Bu)]
    [InlineData("e2fsck_1_47_4", 0x1E3Fu, 0x3E7DEu, 0x1F77Bu)]
    [InlineData("linux_5_10", 0x0008u, 0x3E7D6u, 0xA77Fu)]
    [InlineData("linux_5_15", 0x1008u, 0x3E7D6u, 0x1A77Fu)]
    public void Masks_are_the_release_constants(string id, uint compat, uint incompat, uint roCompat)
    {
        var rules = ReaderRules.Of(ReaderProfiles.Find(id)!);
        Assert.Equal(compat, (uint)rules.KnownCompat);
        Assert.Equal(incompat, (uint)rules.KnownIncompat);
        Assert.Equal(roCompat, (uint)rules.KnownRoCompat);
    }

    /// <summary>
    /// Blocks as 6.2+ writes them (PAD and TAIL to the block end) fail 6.1.0's scan in the first commit (the TAIL's
    /// value reaches the reserved last byte: ECANCELED, so recovery fails); S0 and S2 readers replay them. Blocks as
    /// kernels before 6.2 wrote them (last byte unused) replay everywhere.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Block_layouts_per_scanner_generation(bool lastByteUnused)
    {
        using var area = new FcAreas(Request(lastByteUnused, FcAreas.NewFile(FcAreas.FirstFree, "f"), FcAreas.NewFile(FcAreas.FirstFree + 1, "g")));
        using var judge = new CompatJudge(area.Image, null);
        foreach (var profile in Kernels)
        {
            var replay = judge.ReplayOf(ReaderRules.Of(profile));
            if (profile == ReaderProfiles.Linux_6_1 && !lastByteUnused)
            {
                Assert.Equal(ReplayKind.Failed, replay.Kind);
                Assert.Equal("EIO", replay.Errno);
            }
            else Assert.True(replay.Kind == ReplayKind.Complete, $"{profile.Id}: {replay.Kind} {replay.Message}");
        }
        foreach (var profile in Checkers) Assert.Equal(ReplayKind.Complete, judge.ReplayOf(ReaderRules.Of(profile)).Kind);
    }

    /// <summary>
    /// A second commit with an ADD_RANGE of 12 bytes (ext4_fc_add_range is 16): S0 readers check no length and
    /// count the commit valid; 6.1's ext4_fc_tag_len_isvalid and 6.2's ext4_fc_value_len_isvalid stop there,
    /// keeping the first commit. A LINK of 6 bytes (shorter than ext4_fc_dentry_info): only 6.2+ checks it.
    /// </summary>
    [Theory]
    [InlineData(FcTag.ADD_RANGE, 12, "linux_6_1 linux_6_2 linux_6_18")]
    [InlineData(FcTag.LINK, 6, "linux_6_2 linux_6_18")]
    public void Length_checks_per_scanner_generation(FcTag tag, int length, string stoppers)
    {
        var bad = new List<FcRecordSpec> { FcRecordSpec.Raw(tag, new byte[length]) };
        using var area = new FcAreas(Request(lastByteUnused: true, FcAreas.NewFile(FcAreas.FirstFree, "f"), bad));
        using var judge = new CompatJudge(area.Image, null);
        int firstCommit = 4; // HEAD, INODE, CREAT, TAIL
        foreach (var profile in Kernels)
        {
            var replay = judge.ReplayOf(ReaderRules.Of(profile));
            int expected = Array.IndexOf(stoppers.Split(' '), profile.Id) >= 0 ? firstCommit : firstCommit + 2;
            Assert.True(expected == replay.Replayed, $"{profile.Id}: {replay.Kind} {replay.Replayed} {replay.Message}");
        }
        foreach (var profile in Checkers) Assert.Equal(firstCommit + 2, judge.ReplayOf(ReaderRules.Of(profile)).Replayed);
    }

    /// <summary>ext4_fc_replay_scan's default case: an unknown tag ends replay after a valid commit, and fails it (ECANCELED) before one.</summary>
    [Fact]
    public void An_unknown_tag_stops_or_cancels_in_every_reader()
    {
        var unknown = new List<FcRecordSpec> { FcRecordSpec.Raw((FcTag)0x20, new byte[8]) };
        using (var later = new FcAreas(Request(true, FcAreas.NewFile(FcAreas.FirstFree, "f"), unknown)))
        using (var judge = new CompatJudge(later.Image, null))
        {
            foreach (var reader in ReaderRules.Released)
            {
                var replay = judge.ReplayOf(reader);
                Assert.True(replay.Replayed == 4 && replay.Kind is ReplayKind.Complete or ReplayKind.Truncated, $"{reader.Id}: {replay.Kind} {replay.Replayed}");
            }
        }
        using (var first = new FcAreas(Request(true, unknown)))
        using (var judge = new CompatJudge(first.Image, null))
        {
            foreach (var reader in ReaderRules.Released)
            {
                var replay = judge.ReplayOf(reader);
                Assert.Equal(ReplayKind.Failed, replay.Kind);
                // Before 1d40165047 (v6.6) jbd2_journal_load turned every recovery error into EIO.
                string errno = reader.IsKernel && reader.Profile != ReaderProfiles.Linux_6_18 ? "EIO" : "ECANCELED";
                Assert.True(errno == replay.Errno, $"{reader.Id}: {replay.Errno}");
                if (reader.IsChecker) Assert.Equal(RecoveryFailure.JOURNAL_DISCARDED, reader.RecoveryFailure);
            }
        }
    }

    /// <summary>EXT4_FC_SUPPORTED_FEATURES is 0 in every release: a HEAD with any fc_features bit fails the scan with EOPNOTSUPP.</summary>
    [Fact]
    public void Any_head_feature_bit_is_refused_by_every_release()
    {
        using var area = new FcAreas(Request(true, FcAreas.NewFile(FcAreas.FirstFree, "f")) with { ExtraHeadFeatures = 0x1 });
        using var judge = new CompatJudge(area.Image, SpecProposals.FcFeature);
        foreach (var reader in ReaderRules.Released)
        {
            var replay = judge.ReplayOf(reader);
            Assert.Equal(ReplayKind.Failed, replay.Kind);
            Assert.Equal(reader.IsKernel && reader.Profile != ReaderProfiles.Linux_6_18 ? "EIO" : "EOPNOTSUPP", replay.Errno);
        }
        Assert.Equal(ReplayKind.Complete, judge.ReplayOf(judge.Intended).Kind);
    }

    /// <summary>A HEAD whose tid is not the expected one: the kernel finds nothing to replay; e2fsck fails the scan with EINVAL.</summary>
    [Fact]
    public void A_stale_head_is_silent_in_kernels_and_einval_in_e2fsck()
    {
        using var area = new FcAreas(Request(true, FcAreas.NewFile(FcAreas.FirstFree, "f")));
        // HEAD: tag, len, fc_features, fc_tid.
        var head = area.Image.Write(area.BlockOffset(0) + FcTagInfo.HeaderSize + 4, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(head, area.Report.Tid - 1);
        using var judge = new CompatJudge(area.Image, null);
        foreach (var profile in Kernels)
        {
            var replay = judge.ReplayOf(ReaderRules.Of(profile));
            Assert.True(replay.Kind == ReplayKind.Complete && replay.Replayed == 0, $"{profile.Id}: {replay.Kind} {replay.Message}");
        }
        foreach (var profile in Checkers)
        {
            var replay = judge.ReplayOf(ReaderRules.Of(profile));
            Assert.Equal(ReplayKind.Failed, replay.Kind);
            Assert.Equal("EINVAL", replay.Errno);
        }
    }

    /// <summary>e2fsck replays the area only with the ext4 fast_commit feature (c8a097c2); the kernel whenever jbd2 has INCOMPAT_FAST_COMMIT.</summary>
    [Fact]
    public void E2fsck_ignores_the_area_without_the_fast_commit_feature()
    {
        using var area = new FcAreas(Request(true, FcAreas.NewFile(FcAreas.FirstFree, "f")));
        var sb = new SuperBlockWriter(area.Image.Write(1024, SuperBlockView.Size));
        sb.s_feature_compat &= ~Ext4FeatureCompat.COMPAT_FAST_COMMIT;
        sb.ResealCsum();
        using var judge = new CompatJudge(area.Image, null);
        Assert.Equal(ReplayKind.Complete, judge.ReplayOf(ReaderRules.Of(ReaderProfiles.Linux_5_10)).Kind);
        Assert.Equal(ReplayKind.Complete, judge.ReplayOf(ReaderRules.Of(ReaderProfiles.Linux_6_18)).Kind);
        foreach (var profile in Checkers) Assert.Equal(ReplayKind.Ignored, judge.ReplayOf(ReaderRules.Of(profile)).Kind);
    }

    /// <summary>The TAIL's fc_crc, computed here bit by bit: crc32c with seed 0 and no final xor over the commit from its first record through the TAIL's tid.</summary>
    [Fact]
    public void Tail_crc_is_crc32c_over_the_commit()
    {
        using var area = new FcAreas(Request(false, FcAreas.NewFile(FcAreas.FirstFree, "f")));
        var block = area.Image.Read(area.BlockOffset(0), 4096);
        int tail = 0;
        while (BinaryPrimitives.ReadUInt16LittleEndian(block[tail..]) != (ushort)FcTag.TAIL)
            tail += FcTagInfo.HeaderSize + BinaryPrimitives.ReadUInt16LittleEndian(block[(tail + 2)..]);
        uint crc = ReferenceCrc.Crc32c(0, block[..(tail + FcTagInfo.HeaderSize + 4)]);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(block[(tail + FcTagInfo.HeaderSize + 4)..]), crc);
        Assert.Equal(4096 - tail - FcTagInfo.HeaderSize, BinaryPrimitives.ReadUInt16LittleEndian(block[(tail + 2)..]));
    }

    private static FcWriteRequest Request(bool lastByteUnused, params List<FcRecordSpec>[] commits)
        => new() { Commits = commits, LastByteUnused = lastByteUnused };

    [GeneratedRegex(@"= (0x[0-9A-Fa-f]+|0)\b")]
    private static partial Regex CitedValue();
}
