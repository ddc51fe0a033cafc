using Ext4Codec.Format;

namespace Ext4Codec.Directories;

/// <summary>A live directory entry.</summary>
/// <param name="Inode">The inode it names.</param>
/// <param name="Name">The stored name bytes (ciphertext in an encrypted directory).</param>
/// <param name="FileType">The entry's file type (FT_UNKNOWN without the filetype feature).</param>
/// <param name="Offset">Byte offset of the entry in the image.</param>
public sealed record DirectoryEntry(uint Inode, byte[] Name, Ext4FileType FileType, long Offset)
{
    /// <summary>The name as text: UTF-8, with bytes that are not valid UTF-8 or not printable escaped as \xNN.</summary>
    public string DisplayName => NameText.Escape(Name);
}
