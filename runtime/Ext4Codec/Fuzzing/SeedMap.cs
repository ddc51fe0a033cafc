using System.Collections.Generic;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// What <see cref="StructureLocator"/> found in a seed image: every structure instance the mutator may pick,
/// the parameters its checksums mix in, and the numbers that make boundary values meaningful for this image.
/// Built once per seed; mutants share it (structures stay where they are, only their fields change).
/// </summary>
public sealed class SeedMap
{
    public List<StructureInstance> Instances { get; } = [];

    /// <summary>The instances grouped by layout, so every kind of structure is picked as often as any other (inodes would swamp the superblock).</summary>
    public List<(Format.StructLayout Layout, List<int> Instances)> Layouts { get; } = [];

    /// <summary>Filesystem block size (0 when the image has no usable superblock).</summary>
    public uint BlockSize { get; internal set; }

    /// <summary>The metadata checksum seed (s_checksum_seed or crc32c(~0, s_uuid)).</summary>
    public uint ChecksumSeed { get; internal set; }

    /// <summary>s_uuid, for gdt_csum (crc16).</summary>
    public byte[] Uuid { get; internal set; } = new byte[16];

    public bool MetadataCsum { get; internal set; }

    public bool GdtCsum { get; internal set; }

    /// <summary>The jbd2 checksum seed (crc32c(~0, j_uuid)).</summary>
    public uint JournalSeed { get; internal set; }

    /// <summary>Image offsets of the fast-commit area's blocks, in journal order (empty without fast commits).</summary>
    public List<long> FastCommitBlocks { get; } = [];

    /// <summary>Journal block size (the fast-commit area's block size).</summary>
    public int JournalBlockSize { get; internal set; }

    /// <summary>Sizes and counts of this image (block size, blocks, inodes, groups, journal length…): the ends that "past the end" values step over.</summary>
    public List<ulong> Boundaries { get; } = [];

    /// <summary>Why parts of the image could not be walked (the seed may be corrupt on purpose); informational.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Groups <see cref="Instances"/> into <see cref="Layouts"/>; called once they are all found.</summary>
    internal void Index()
    {
        Layouts.Clear();
        var index = new Dictionary<Format.StructLayout, List<int>>();
        for (int i = 0; i < Instances.Count; i++)
        {
            var layout = Instances[i].Layout;
            if (!index.TryGetValue(layout, out var list))
            {
                index[layout] = list = [];
                Layouts.Add((layout, list));
            }
            list.Add(i);
        }
    }
}
