using System;
using System.Buffers.Binary;
using System.IO;
using Ext4Codec.FileSystem;

namespace Ext4Codec.Benchmarks;

/// <summary>Real metadata from the bundled kernel-written demo image, plus a full extent leaf built in its format.</summary>
public static class SampleBlocks
{
    public static byte[] SuperBlock { get; }
    public static byte[] Inodes { get; }
    public static int InodeSize { get; }
    public static byte[] ExtentLeaf { get; }

    static SampleBlocks()
    {
        using var fs = Ext4FileSystem.Open(FindDemoImage());
        SuperBlock = fs.SuperBlock.Data.ToArray();
        InodeSize = (int)fs.Geometry.InodeSize;
        // The first 64 inodes of group 0: reserved inodes, root, lost+found and the demo's files.
        Inodes = fs.Image.Read(fs.InodeOffset(1), 64 * InodeSize, "inode table").ToArray();
        ExtentLeaf = new byte[fs.Geometry.BlockSize];
        int max = (ExtentLeaf.Length - 12) / 12;
        BinaryPrimitives.WriteUInt16LittleEndian(ExtentLeaf, 0xF30A);
        BinaryPrimitives.WriteUInt16LittleEndian(ExtentLeaf.AsSpan(2), (ushort)max);
        BinaryPrimitives.WriteUInt16LittleEndian(ExtentLeaf.AsSpan(4), (ushort)max);
        for (int i = 0; i < max; i++)
        {
            var e = ExtentLeaf.AsSpan(12 + i * 12);
            BinaryPrimitives.WriteUInt32LittleEndian(e, (uint)(i * 64));
            BinaryPrimitives.WriteUInt16LittleEndian(e[4..], (ushort)(i % 3 == 0 ? 32768 + 32 : 32));
            BinaryPrimitives.WriteUInt16LittleEndian(e[6..], (ushort)(i & 1));
            BinaryPrimitives.WriteUInt32LittleEndian(e[8..], 1000u + (uint)i * 97);
        }
    }

    private static string FindDemoImage()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "corpus", "images", "demo-ext4.img.gz");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("corpus/images/demo-ext4.img.gz not found above " + AppContext.BaseDirectory);
    }
}
