namespace Ext4Codec.Kernel;

/// <summary>The data= journalling mode (EXT4_MOUNT_*_DATA); None until a default or the journal sets it.</summary>
internal enum DataMode
{
    None,
    Journal,
    Ordered,
    Writeback,
}
