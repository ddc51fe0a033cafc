using System;
using System.IO;
using System.Linq;
using Ext4Codec.Checking;
using Ext4Codec.Imaging;
using Ext4Codec.Tests.Corpus;
using Xunit;

namespace Ext4Codec.Tests.Checking;

/// <summary>
/// e2fsck's fallback to the first backup superblock (and that group's descriptors), on kernel-written images damaged
/// three ways (the 4 KiB image has a single group, so no backup at all); the exit code and whether a backup was
/// used are compared with e2fsck -fn on the same bytes.
/// </summary>
public sealed class FsckBackupSuperblockTests
{
    public static TheoryData<string, string> Damage() => new()
    {
        { "corpus/kernel/ext4-4k-csum.img.gz", "zero-superblock" },
        { "corpus/kernel/ext4-1k-nocsum.img.gz", "zero-superblock" },
        { "corpus/kernel/ext4-4k-csum.img.gz", "superblock-checksum" },
        { "corpus/kernel/ext4-1k-csum-htree.img.gz", "zero-descriptors" },
        { "corpus/kernel/ext3-blockmap.img.gz", "zero-descriptors" },
    };

    [SkippableTheory]
    [MemberData(nameof(Damage))]
    public void Damaged_primary_is_judged_from_the_backup_as_e2fsck_does(string relative, string damage)
    {
        Skip.If(ExternalTool.Find("e2fsck") is null, "e2fsck (e2fsprogs) is not installed");
        Skip.If(!File.Exists(RepoImages.PathOf(relative)), relative + " is missing");
        using var extracted = RepoImages.Extract(relative);
        Damage(extracted.Path, damage);
        var (e2fsckExit, output, _) = ExternalTool.Run("e2fsck", "-fn", extracted.Path);
        // e2fsck says "trying backup blocks" before it looks; it used one when its passes ran and it did not go back.
        bool e2fsckUsedBackup = output.Contains("trying backup blocks") && output.Contains("Pass 1") && !output.Contains("going back to original superblock");
        using var image = DiskImage.Open(extracted.Path);
        var result = FsckChecker.Check(image);
        string findings = string.Join("\n", result.Findings.Select(f => $"{f.Code}: {f.Message}"));
        Assert.True(e2fsckExit == result.ExitCode, $"e2fsck exit {e2fsckExit}, ours {result.ExitCode}\n{output}\n--- ours:\n{findings}");
        Assert.True(e2fsckUsedBackup == (result.BackupSuperblock != 0), $"e2fsck used a backup: {e2fsckUsedBackup}; ours: superblock {result.BackupSuperblock}\n{output}");
    }

    private static void Damage(string path, string damage)
    {
        using var file = File.Open(path, FileMode.Open, FileAccess.ReadWrite);
        var sb = new byte[1024];
        file.Position = 1024;
        file.ReadExactly(sb);
        int blockSize = 1024 << (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(sb.AsSpan(24));
        switch (damage)
        {
            case "zero-superblock":
                file.Position = 1024;
                file.Write(new byte[1024]);
                break;
            case "superblock-checksum":
                // s_checksum is the superblock's last word: flip it without touching any other field.
                file.Position = 1024 + 1020;
                file.WriteByte((byte)(sb[1020] ^ 0xFF));
                break;
            case "zero-descriptors":
                // The first descriptor block follows the superblock's block: zeroed, every group's bitmaps point at block 0.
                file.Position = (blockSize == 1024 ? 2 : 1) * (long)blockSize;
                file.Write(new byte[blockSize]);
                break;
        }
    }
}
