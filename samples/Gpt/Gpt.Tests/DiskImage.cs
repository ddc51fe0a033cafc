using System;
using System.Diagnostics;
using System.IO;

namespace Gpt.Tests;

/// <summary>A scratch disk image partitioned by sgdisk, the independent tool the sample is checked against.</summary>
public sealed class DiskImage : IDisposable
{
    public const int SectorSize = 512;
    public const long Sectors = 8192; // 4 MiB

    public static readonly Guid DiskGuid = new("6f1c0b5e-2d4a-4c3b-9e8f-0a1b2c3d4e5f");
    public static readonly Guid RootGuid = new("11111111-2222-4333-8444-555555555555");
    public static readonly Guid EspGuid = new("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee");
    public static readonly Guid LinuxFs = new("0fc63daf-8483-4772-8e79-3d69d8477de4");
    public static readonly Guid EfiSystem = new("c12a7328-f81f-11d2-ba4b-00a0c93ec93b");

    private readonly string _dir = Directory.CreateTempSubdirectory("gpt-sample-").FullName;

    public DiskImage()
    {
        Path = System.IO.Path.Combine(_dir, "disk.img");
        using (var f = File.Create(Path)) f.SetLength(Sectors * SectorSize);
        Run("sgdisk", "--clear", "--disk-guid=" + DiskGuid,
            "--new=1:2048:4095", "--typecode=1:8300", "--change-name=1:root fs", "--partition-guid=1:" + RootGuid,
            "--new=2:4096:6143", "--typecode=2:EF00", "--change-name=2:EFI system \u00e9", "--partition-guid=2:" + EspGuid,
            "--attributes=2:set:2", "--attributes=2:set:0", Path);
    }

    public string Path { get; }

    public byte[] Bytes() => File.ReadAllBytes(Path);

    public void Write(byte[] bytes) => File.WriteAllBytes(Path, bytes);

    /// <summary>Runs a tool and returns its standard output; a missing tool or a failure fails the test with its output.</summary>
    public static string Run(string tool, params string[] args) => Execute(tool, args).Output;

    /// <summary>What <c>sgdisk --verify</c> says of the image, warnings (standard error) included.</summary>
    public string Verify()
    {
        var (output, errors) = Execute("sgdisk", "--verify", Path);
        return output + errors;
    }

    private static (string Output, string Errors) Execute(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(tool + " is needed by the GPT sample tests (Debian: apt-get install gdisk fdisk): " + e.Message);
        }
        using (process)
        {
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException(tool + " exited with " + process.ExitCode + ": " + stdout + stderr);
            return (stdout, stderr);
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
