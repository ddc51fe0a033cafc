namespace Ext4Codec.Xattrs;

/// <summary>Where an extended attribute is stored.</summary>
public enum XattrSource
{
    /// <summary>In the inode, after i_extra_isize.</summary>
    Inode,

    /// <summary>In the block named by i_file_acl.</summary>
    Block,
}
