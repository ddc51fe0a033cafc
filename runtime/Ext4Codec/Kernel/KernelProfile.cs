using System;
using System.Collections.Generic;
using Ext4Codec.FastCommit;
using Ext4Codec.Format;
using Ext4Codec.Versioning;

namespace Ext4Codec.Kernel;

/// <summary>
/// The facts about one kernel build that change mount verdicts: page size, optional code built in, and the ext4
/// feature masks. <see cref="Linux6_18"/> is the kernel the corpus observations were made with (6.18.44, x86-64):
/// 4 KiB pages; no CONFIG_UNICODE (/sys/fs/ext4/features lists no casefold); CONFIG_QUOTA without CONFIG_QFMT_V2
/// (rw mounts of quota images print "The kernel was not built with CONFIG_QUOTA and CONFIG_QFMT_V2", ro mounts report
/// a quota mode); the 6.18.y stable rules for the orphan-file size and an unterminated s_mount_opts.
/// </summary>
public sealed record KernelProfile(string Version)
{
    /// <summary>PAGE_SIZE: ext4 in 6.18 refuses larger blocks (sb_set_blocksize fails, "bad block size").</summary>
    public int PageSize { get; init; } = 4096;

    /// <summary>CONFIG_UNICODE: without it casefold images are refused.</summary>
    public bool Unicode { get; init; }

    /// <summary>CONFIG_QUOTA: without it the mount line says "Quota mode: disabled".</summary>
    public bool Quota { get; init; } = true;

    /// <summary>CONFIG_QUOTA and CONFIG_QFMT_V2 both: without them quota/project images mount only read-only.</summary>
    public bool QuotaFormatV2 { get; init; }

    /// <summary>EXT4_FEATURE_INCOMPAT_SUPP.</summary>
    public Ext4FeatureIncompat IncompatSupported { get; init; } = (Ext4FeatureIncompat)0x0003E7D6;

    /// <summary>EXT4_FEATURE_RO_COMPAT_SUPP (RO_COMPAT_READONLY is handled before the mask).</summary>
    public Ext4FeatureRoCompat RoCompatSupported { get; init; } = (Ext4FeatureRoCompat)0x0001A77F;

    /// <summary>How the kernel's ext4_fc_replay_scan judges the fast-commit area.</summary>
    public FcScanRules FastCommit { get; init; } = FcScanRules.Linux6_18;

    /// <summary>Before 6.6 a failed recovery always fails the mount with EIO ("JBD2: recovery failed").</summary>
    public bool RecoveryFailsWithEio { get; init; }

    /// <summary>The profile data (format-specs/profiles) of the kernel the model is set up for.</summary>
    public ReaderRules? Reader { get; init; }

    /// <summary>
    /// A kernel described by its reader profile (feature masks, fast-commit scan, recovery errors), with the build
    /// options of the observed 6.18 kernel (4 KiB pages, no CONFIG_UNICODE, CONFIG_QUOTA without QFMT_V2).
    /// </summary>
    public static KernelProfile Of(ReaderRules reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!reader.IsKernel && reader.Profile.Kind != "tool") throw new ArgumentException($"{reader.Id} is not a kernel profile", nameof(reader));
        return new KernelProfile(reader.Profile.Version)
        {
            IncompatSupported = reader.KnownIncompat,
            RoCompatSupported = reader.KnownRoCompat,
            FastCommit = reader.Scan,
            RecoveryFailsWithEio = reader.RecoveryFailure == RecoveryFailure.MOUNT_FAILS_EIO,
            Reader = reader,
        };
    }

    /// <summary>ext4_init_orphan_info's limit in blocks (6.18.y stable: 512 blocks; 6.18.0 had 8 MiB whatever the block size).</summary>
    public uint OrphanFileMaxBlocks { get; init; } = 512;

    /// <summary>Whether 64 non-NUL bytes of s_mount_opts refuse the mount with E2BIG (the 6.19 fix backported to 6.18.y).</summary>
    public bool RefuseUnterminatedMountOpts { get; init; } = true;

    /// <summary>The observed 6.18 kernel (see the type's summary).</summary>
    public static KernelProfile Linux6_18 { get; } = Of(ReaderRules.Of(ReaderProfiles.Linux_6_18));

    public static IReadOnlyList<KernelProfile> Known { get; } = [Linux6_18];

    /// <summary>The profile for a version: "6.18", or a stable release of it such as "6.18.44".</summary>
    public static bool TryGet(string version, out KernelProfile profile)
    {
        foreach (var known in Known)
        {
            if (version == known.Version || version.StartsWith(known.Version + ".", StringComparison.Ordinal))
            {
                profile = known;
                return true;
            }
        }
        profile = null!;
        return false;
    }
}
