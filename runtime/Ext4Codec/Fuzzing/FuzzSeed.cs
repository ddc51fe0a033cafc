using System;
using Ext4Codec.Imaging;

namespace Ext4Codec.Fuzzing;

/// <summary>A seed image and the structures found in it. Owns the image.</summary>
public sealed class FuzzSeed : IDisposable
{
    public FuzzSeed(string name, DiskImage image)
    {
        Name = name;
        Image = image;
        Map = StructureLocator.Locate(image);
    }

    public string Name { get; }

    public DiskImage Image { get; }

    public SeedMap Map { get; }

    public void Dispose() => Image.Dispose();
}
