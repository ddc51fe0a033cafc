using System;
using Ext4Codec.Imaging;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// A seed image's copy-on-write view: mutations write into it, the seed never changes, and only the pages
/// written are copied. A private copy of <see cref="Image"/> (replay's target, the checker's backup-superblock
/// view) starts with the mutations in it.
/// </summary>
public sealed class Mutant : IDisposable
{
    public Mutant(DiskImage seed) => Image = seed.PrivateCopy();

    /// <summary>The mutated bytes, read like any image.</summary>
    public DiskImage Image { get; }

    /// <summary>The bytes at <paramref name="offset"/>, writable.</summary>
    public Span<byte> Write(long offset, int length) => Image.Write(offset, length);

    public void Dispose() => Image.Dispose();
}
