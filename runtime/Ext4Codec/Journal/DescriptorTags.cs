using System;
using System.Buffers.Binary;
using Ext4Codec.Format;

namespace Ext4Codec.Journal;

/// <summary>
/// The tags of a descriptor block as recovery walks them (K recovery.c count_tags and the replay loop): tag_bytes
/// apart, 16 more when a UUID follows (no FLAG_SAME_UUID), until FLAG_LAST_TAG or the block tail; flags are read
/// as the 16-bit t_flags of journal_block_tag_t for both tag formats, as the kernel reads them.
/// </summary>
internal ref struct DescriptorTags
{
    private readonly ReadOnlySpan<byte> _block;
    private readonly int _limit;
    private readonly int _tagBytes;
    private readonly bool _is64Bit;
    private int _next;
    private bool _done;

    public DescriptorTags(ReadOnlySpan<byte> block, JournalGeometry g)
    {
        _block = block;
        _limit = g.BlockSize - g.TailSize;
        _tagBytes = g.TagBytes;
        _is64Bit = g.Is64Bit;
        _next = 12;
    }

    /// <summary>The current tag's <c>tag_bytes</c> bytes.</summary>
    public ReadOnlySpan<byte> Tag { get; private set; }

    public JournalTagFlags Flags { get; private set; }

    /// <summary>read_tag_block: t_blocknr, with t_blocknr_high on 64-bit journals.</summary>
    public readonly ulong FsBlock
        => BinaryPrimitives.ReadUInt32BigEndian(Tag) | (_is64Bit ? (ulong)BinaryPrimitives.ReadUInt32BigEndian(Tag[8..]) << 32 : 0);

    public bool MoveNext()
    {
        if (_done || _next + _tagBytes > _limit) return false;
        Tag = _block.Slice(_next, _tagBytes);
        Flags = (JournalTagFlags)BinaryPrimitives.ReadUInt16BigEndian(Tag[6..]);
        _next += _tagBytes + ((Flags & JournalTagFlags.FLAG_SAME_UUID) == 0 ? 16 : 0);
        _done = (Flags & JournalTagFlags.FLAG_LAST_TAG) != 0;
        return true;
    }
}
