using Ext4Codec.Format;

namespace Ext4Codec.Xattrs;

/// <summary>One extended attribute as users see it: the prefix of its name index joined to its stored name.</summary>
/// <param name="Name">Full name, e.g. <c>user.comment</c>; an index without a known prefix shows as <c>index7:</c>.</param>
/// <param name="NameIndex">e_name_index.</param>
/// <param name="Source">In the inode or in the attribute block.</param>
/// <param name="ValueInum">e_value_inum: the inode holding the value (ea_inode), else 0.</param>
/// <param name="Value">The value bytes (read from the ea_inode when there is one).</param>
/// <param name="Offset">Byte offset of the entry in the image.</param>
public sealed record Xattr(string Name, Ext4XattrIndex NameIndex, XattrSource Source, uint ValueInum, byte[] Value, long Offset);
