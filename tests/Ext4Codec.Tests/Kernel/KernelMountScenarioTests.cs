using System;
using System.IO;
using Ext4Codec.Format;
using Ext4Codec.Imaging;
using Ext4Codec.Kernel;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Kernel;

/// <summary>
/// Single checks of docs/kernel-mount-checks.md on a kernel-written image with one superblock field changed (and
/// the superblock checksum resealed), including the ones the observed 6.18 profile never reaches.
/// </summary>
public sealed class KernelMountScenarioTests
{
    private const string Demo = "corpus/images/demo-ext4.img.gz";

    [Fact]
    public void The_unchanged_image_mounts_read_write()
    {
        var verdict = Judge(Demo, _ => { });
        Assert.Equal("rw", verdict.Mount);
        Assert.StartsWith("mounted filesystem ", verdict.Message, StringComparison.Ordinal);
        Assert.EndsWith(" r/w with ordered data mode. Quota mode: none.", verdict.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_only_feature_forces_read_only()
    {
        var verdict = Judge(Demo, sb => sb.s_feature_ro_compat |= Ext4FeatureRoCompat.RO_COMPAT_READONLY);
        Assert.True(verdict.Rw.Mounted && verdict.Rw.ReadOnly);
        Assert.Equal("K_RO_COMPAT_READONLY", verdict.Rw.CheckId);
        Assert.Equal("filesystem is read-only", verdict.Message);
        Assert.Equal("ro", verdict.Mount);
    }

    [Fact]
    public void A_revision_above_1_forces_read_only_after_the_root_lookup()
    {
        var verdict = Judge(Demo, sb => sb.s_rev_level = (Ext4RevLevel)2);
        Assert.True(verdict.Rw.Mounted && verdict.Rw.ReadOnly);
        Assert.Equal("K_REV_TOO_HIGH_FORCE_RO", verdict.Rw.CheckId);
        Assert.Equal("", verdict.Ro.CheckId);
    }

    [Fact]
    public void Unknown_ro_compat_bits_refuse_read_write_only()
    {
        var verdict = Judge(Demo, sb => sb.s_feature_ro_compat |= (Ext4FeatureRoCompat)0x80000);
        Assert.Equal(("EINVAL", "K_RO_COMPAT_UNKNOWN_RW"), (verdict.Rw.Errno, verdict.Rw.CheckId));
        Assert.Equal("couldn't mount RDWR because of unsupported optional features (80000)", verdict.Message);
        Assert.True(verdict.Ro.Mounted);
        Assert.Equal("ro", verdict.Mount);
    }

    [Fact]
    public void Quota_inode_numbers_are_checked_when_the_kernel_has_quota_format_support()
    {
        Action<SuperBlockWriter> quota = sb =>
        {
            sb.s_feature_ro_compat |= Ext4FeatureRoCompat.RO_COMPAT_QUOTA;
            sb.s_usr_quota_inum = 5;
        };
        Assert.Equal("K_QUOTA_NOT_BUILT", Judge(Demo, quota).Rw.CheckId);
        var withQuota = Judge(Demo, quota, KernelProfile.Linux6_18 with { Version = "6.18+qfmt_v2", QuotaFormatV2 = true });
        Assert.Equal(("EUCLEAN", "K_QUOTA_BAD_INUM"), (withQuota.Rw.Errno, withQuota.Rw.CheckId));
        Assert.Equal("comm mount: Bad quota inum: 5, type: 0", withQuota.Message);
        Assert.True(withQuota.Ro.Mounted);
    }

    [Fact]
    public void Casefold_needs_unicode_and_a_known_encoding()
    {
        Action<SuperBlockWriter> casefold = sb =>
        {
            sb.s_feature_incompat |= Ext4FeatureIncompat.INCOMPAT_CASEFOLD;
            sb.s_encoding = (Ext4Encoding)2;
        };
        Assert.Equal("K_CASEFOLD_NO_UNICODE", Judge(Demo, casefold).RoNoLoad.CheckId);
        var unicode = Judge(Demo, casefold, KernelProfile.Linux6_18 with { Version = "6.18+unicode", Unicode = true });
        Assert.Equal("Encoding requested by superblock is unknown", unicode.RoNoLoad.Message);
    }

    [Fact]
    public void Flex_groups_of_2_to_the_32_fail_mballoc()
    {
        var verdict = Judge(Demo, sb => sb.s_log_groups_per_flex = 32);
        Assert.Equal(("ENOMEM", "K_FLEX_LOG_TOO_LARGE"), (verdict.RoNoLoad.Errno, verdict.RoNoLoad.CheckId));
        Assert.Contains("failed to initialize mballoc (-12)", verdict.RoNoLoad.Messages);
    }

    [Fact]
    public void A_missing_external_journal_refuses_journalled_mounts()
    {
        var verdict = Judge(Demo, sb => sb.s_journal_inum = 0);
        Assert.Equal(("ENXIO", "K_JNL_EXT_OPEN"), (verdict.Rw.Errno, verdict.Rw.CheckId));
        Assert.Equal("failed to open journal device unknown-block(0,0) -6", verdict.Message);
        Assert.True(verdict.RoNoLoad.Mounted);
    }

    [Fact]
    public void Noload_read_write_refuses_a_journal_that_needs_recovery()
    {
        using var extracted = RepoImages.Extract("corpus/fc/fc-1k-basic.img.gz");
        using var image = DiskImage.Open(extracted.Path);
        var outcome = KernelMountModel.Mount(image, null, KernelProfile.Linux6_18, new MountRequest(false, true));
        Assert.Equal(("EINVAL", "K_NOLOAD_RW_NEEDS_RECOVERY"), (outcome.Errno, outcome.CheckId));
        var verdict = KernelMountModel.Judge(image, null, KernelProfile.Linux6_18);
        Assert.Contains("recovery complete", verdict.Rw.Messages);
        Assert.True(verdict.RoNoLoad.Mounted);
    }

    [Fact]
    public void A_device_smaller_than_the_filesystem_is_refused()
    {
        using var extracted = RepoImages.Extract(Demo);
        byte[] bytes = File.ReadAllBytes(extracted.Path);
        using var image = DiskImage.FromStream(new MemoryStream(bytes, 0, bytes.Length / 2), "half");
        var verdict = KernelMountModel.Judge(image, null, KernelProfile.Linux6_18);
        Assert.Equal("K_BLOCKS_EXCEED_DEVICE", verdict.Rw.CheckId);
        Assert.Equal("bad geometry: block count 4096 exceeds size of device (2048 blocks)", verdict.Message);
    }

    [Fact]
    public void Profiles_are_found_by_series_or_stable_release()
    {
        Assert.True(KernelProfile.TryGet("6.18.44", out var profile));
        Assert.Same(KernelProfile.Linux6_18, profile);
        Assert.False(KernelProfile.TryGet("6.1", out _));
    }

    private static KernelVerdict Judge(string relative, Action<SuperBlockWriter> change, KernelProfile? profile = null)
    {
        using var extracted = RepoImages.Extract(relative);
        byte[] bytes = File.ReadAllBytes(extracted.Path);
        var sb = new SuperBlockWriter(bytes.AsSpan(1024, SuperBlockView.Size));
        change(sb);
        if (sb.AsView().CsumApplies) sb.ResealCsum();
        using var image = DiskImage.FromStream(new MemoryStream(bytes), relative);
        return KernelMountModel.Judge(image, null, profile ?? KernelProfile.Linux6_18);
    }
}
