namespace Ext4Codec.Kernel;

/// <summary>What the mount learns about the orphan file (ext4_orphan_info) and whether ext4_orphan_cleanup left its entries.</summary>
internal sealed class OrphanInfo
{
    /// <summary>of_blocks: i_size in blocks (0 without orphan_file).</summary>
    public ulong Blocks { get; set; }

    /// <summary>Non-zero entries over all blocks.</summary>
    public ulong Entries { get; set; }

    public bool CleanupSkipped { get; set; }
}
