using System;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using Gpt.Format;
using Xunit;

namespace Gpt.Tests;

/// <summary>The generated GPT codec against what sgdisk wrote and what sfdisk reads.</summary>
public sealed class GptTableTests : IDisposable
{
    private readonly DiskImage _disk = new();

    public void Dispose() => _disk.Dispose();

    [Fact]
    public void Primary_and_backup_tables_hold_what_sgdisk_was_asked_to_write()
    {
        var image = _disk.Bytes();
        foreach (long lba in new[] { 1L, DiskImage.Sectors - 1 })
        {
            Assert.True(GptTable.TryRead(image, DiskImage.SectorSize, lba, out var table, out string? error), error);
            Assert.Equal(DiskImage.DiskGuid, table.DiskGuid);
            Assert.Equal(2, table.Partitions.Count);

            var root = table.Partitions[0];
            Assert.Equal((DiskImage.LinuxFs, DiskImage.RootGuid, 2048UL, 4095UL, "root fs"), (root.Type, root.Unique, root.FirstLba, root.LastLba, root.Name));
            Assert.Equal((GptAttributes)0, root.Attributes);

            var esp = table.Partitions[1];
            Assert.Equal((DiskImage.EfiSystem, DiskImage.EspGuid, 4096UL, 6143UL, "EFI system \u00e9"), (esp.Type, esp.Unique, esp.FirstLba, esp.LastLba, esp.Name));
            Assert.Equal(GptAttributes.REQUIRED_PARTITION | GptAttributes.LEGACY_BIOS_BOOTABLE, esp.Attributes);
        }
    }

    [Fact]
    public void Header_fields_equal_sfdisk_json()
    {
        Assert.True(GptTable.TryRead(_disk.Bytes(), DiskImage.SectorSize, 1, out var table, out string? error), error);
        using var json = JsonDocument.Parse(DiskImage.Run("sfdisk", "--json", _disk.Path));
        var pt = json.RootElement.GetProperty("partitiontable");
        Assert.Equal("gpt", pt.GetProperty("label").GetString());
        Assert.Equal(table.DiskGuid, Guid.Parse(pt.GetProperty("id").GetString()!));
        Assert.Equal(table.FirstUsableLba, pt.GetProperty("firstlba").GetUInt64());
        Assert.Equal(table.LastUsableLba, pt.GetProperty("lastlba").GetUInt64());

        var listed = pt.GetProperty("partitions").EnumerateArray().ToArray();
        Assert.Equal(table.Partitions.Count, listed.Length);
        for (int i = 0; i < listed.Length; i++)
        {
            var p = table.Partitions[i];
            Assert.Equal(p.FirstLba, listed[i].GetProperty("start").GetUInt64());
            Assert.Equal(p.LastLba - p.FirstLba + 1, listed[i].GetProperty("size").GetUInt64());
            Assert.Equal(p.Type, Guid.Parse(listed[i].GetProperty("type").GetString()!));
            Assert.Equal(p.Unique, Guid.Parse(listed[i].GetProperty("uuid").GetString()!));
            Assert.Equal(p.Name, listed[i].GetProperty("name").GetString());
        }
    }

    [Fact]
    public void Rename_through_the_writers_reseals_what_sgdisk_verifies()
    {
        var image = _disk.Bytes();
        GptEditor.Rename(image, DiskImage.SectorSize, 0, "renamed \u2603");
        _disk.Write(image);

        string verdict = _disk.Verify();
        Assert.Contains("No problems found", verdict);
        Assert.DoesNotContain("CRC", verdict);
        using var json = JsonDocument.Parse(DiskImage.Run("sfdisk", "--json", _disk.Path));
        Assert.Equal("renamed \u2603", json.RootElement.GetProperty("partitiontable").GetProperty("partitions")[0].GetProperty("name").GetString());
        Assert.True(GptTable.TryRead(image, DiskImage.SectorSize, DiskImage.Sectors - 1, out var backup, out string? error), error);
        Assert.Equal("renamed \u2603", backup.Partitions[0].Name);
    }

    [Fact]
    public void Damage_is_reported_with_its_place_and_sgdisk_agrees_it_is_damage()
    {
        var image = _disk.Bytes();
        image[512 + 0x28] ^= 1; // FirstUsableLBA, covered by the header CRC
        Assert.False(GptTable.TryRead(image, DiskImage.SectorSize, 1, out _, out string? error));
        Assert.Equal("header CRC32 mismatch at LBA 1", error);
        _disk.Write(image);
        Assert.Contains("Invalid CRC on main header", _disk.Verify());

        image = _disk.Bytes();
        image[512] = (byte)'X';
        Assert.False(GptTable.TryRead(image, DiskImage.SectorSize, 1, out _, out error));
        Assert.StartsWith("gpt_header.Signature at byte 512:", error);
    }

    /// <summary>The package emitted the portable support code for netstandard2.0 and the intrinsic one for .NET.</summary>
    [Fact]
    public void Support_code_matches_the_target_framework_of_the_library()
    {
        string target = typeof(GptTableTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "GptTarget").Value!;
        var framework = typeof(GptTable).Assembly.GetCustomAttribute<System.Runtime.Versioning.TargetFrameworkAttribute>()!.FrameworkName;
        bool portable = typeof(Crc32C).GetField("Table", BindingFlags.NonPublic | BindingFlags.Static) is not null;
        Assert.Equal(target == "netstandard2.0" ? ".NETStandard,Version=v2.0" : ".NETCoreApp,Version=v10.0", framework);
        Assert.Equal(target == "netstandard2.0", portable);
    }
}
