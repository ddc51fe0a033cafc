using System;
using System.Buffers.Binary;
using Ext4Codec.Format;

namespace Ext4Codec.Xattrs;

/// <summary>
/// POSIX ACLs as ext4 stores them (fs/ext4/acl.h: version 1 header, 4-byte entries for the owner, group, mask
/// and other, 8-byte entries carrying an id for named users and groups) and as getxattr returns them
/// (posix_acl_xattr: version 2, every entry 8 bytes, id 0xFFFFFFFF where there is none).
/// </summary>
public static class PosixAcl
{
    private const uint DiskVersion = 1;
    private const uint XattrVersion = 2;
    private const ushort AclUser = 0x02;
    private const ushort AclGroup = 0x08;
    private const uint UndefinedId = 0xFFFFFFFF;

    /// <summary>Whether the attribute holds an ACL (system.posix_acl_access or system.posix_acl_default).</summary>
    public static bool IsAcl(Ext4XattrIndex index) => index is Ext4XattrIndex.XATTR_INDEX_POSIX_ACL_ACCESS or Ext4XattrIndex.XATTR_INDEX_POSIX_ACL_DEFAULT;

    /// <summary>The value getxattr returns for an on-disk ACL, or false when the stored ACL is malformed (the kernel's ext4_acl_from_disk fails).</summary>
    public static bool TryToXattr(ReadOnlySpan<byte> disk, out byte[] value)
    {
        value = [];
        if (disk.Length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(disk) != DiskVersion) return false;
        var entries = disk[4..];
        int count = 0;
        for (int at = 0; at < entries.Length; count++)
        {
            if (at + 4 > entries.Length) return false;
            ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(entries[at..]);
            at += tag is AclUser or AclGroup ? 8 : 4;
            if (at > entries.Length) return false;
        }
        value = new byte[4 + count * 8];
        BinaryPrimitives.WriteUInt32LittleEndian(value, XattrVersion);
        for (int at = 0, i = 0; i < count; i++)
        {
            ushort tag = BinaryPrimitives.ReadUInt16LittleEndian(entries[at..]);
            var outEntry = value.AsSpan(4 + i * 8, 8);
            BinaryPrimitives.WriteUInt16LittleEndian(outEntry, tag);
            BinaryPrimitives.WriteUInt16LittleEndian(outEntry[2..], BinaryPrimitives.ReadUInt16LittleEndian(entries[(at + 2)..]));
            bool named = tag is AclUser or AclGroup;
            BinaryPrimitives.WriteUInt32LittleEndian(outEntry[4..], named ? BinaryPrimitives.ReadUInt32LittleEndian(entries[(at + 4)..]) : UndefinedId);
            at += named ? 8 : 4;
        }
        return true;
    }
}
