using System;
using System.Buffers.Binary;
using Ext4Codec.Format;

namespace Ext4Codec.Benchmarks;

/// <summary>
/// A fast-commit area laid out the way ext4_fc_perform_commit writes one (K fs/ext4/fast_commit.c): HEAD once,
/// then commits of ADD_RANGE + INODE per inode and a CREAT per new name, a PAD where the next record would
/// straddle a block, and a TAIL that fills the rest of the commit's last block and seals its crc32c. Every commit
/// carries the same tid, as fast commits inside one jbd2 transaction do. One zeroed block follows the area so
/// the scan stops on an unknown tag with everything valid, as it does on a real journal.
/// </summary>
public sealed class SyntheticFcArea
{
    public const uint Tid = 4242;
    private const int InodeSize = 256;
    private const int InodesPerCommit = 40;

    public byte[] Bytes { get; }
    public int BlockSize { get; }
    public int Blocks { get; }
    public int Records { get; private set; }

    private readonly byte[] _inode = new byte[InodeSize];
    private int _offset;
    private uint _crc;

    public SyntheticFcArea(int areaBytes, int blockSize)
    {
        BlockSize = blockSize;
        Blocks = areaBytes / blockSize;
        Bytes = new byte[(Blocks + 1) * blockSize];
        BinaryPrimitives.WriteUInt16LittleEndian(_inode, 0x81A4);
        BinaryPrimitives.WriteUInt16LittleEndian(_inode.AsSpan(26), 1);
        Span<byte> value = stackalloc byte[InodeSize + 4];
        value.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(value[4..], Tid);
        Add(FcTag.HEAD, value[..8]);
        uint ino = 12;
        while (true)
        {
            for (int i = 0; i < InodesPerCommit; i++, ino++)
            {
                value.Clear();
                BinaryPrimitives.WriteUInt32LittleEndian(value, ino);
                BinaryPrimitives.WriteUInt32LittleEndian(value[4..], 0);
                BinaryPrimitives.WriteUInt16LittleEndian(value[8..], 8);
                BinaryPrimitives.WriteUInt32LittleEndian(value[12..], 10_000 + ino * 8);
                if (!Add(FcTag.ADD_RANGE, value[..16])) return;
                BinaryPrimitives.WriteUInt32LittleEndian(value, ino);
                _inode.CopyTo(value[4..]);
                if (!Add(FcTag.INODE, value[..(4 + InodeSize)])) return;
                BinaryPrimitives.WriteUInt32LittleEndian(value, 2);
                BinaryPrimitives.WriteUInt32LittleEndian(value[4..], ino);
                int name = 8 + "file-000000".Length;
                "file-000000"u8.CopyTo(value[8..]);
                if (!Add(FcTag.CREAT, value[..name])) return;
            }
            if (!AddTail()) return;
        }
    }

    /// <summary>Appends a record (padding to the next block first when it does not fit); false when the area is full.</summary>
    private bool Add(FcTag tag, ReadOnlySpan<byte> value)
    {
        int room = BlockSize - _offset % BlockSize;
        if (room < 4 + value.Length + 4 + 8)
        {
            // Keep room for a TAIL in the commit's last block; a PAD takes the rest of this one.
            if (_offset + room + 4 + value.Length + 12 > Blocks * BlockSize) return false;
            Write(FcTag.PAD, room - 4, []);
        }
        if (_offset + 4 + value.Length + 12 > Blocks * BlockSize) return false;
        Write(tag, value.Length, value);
        return true;
    }

    /// <summary>TAIL: tid and crc32c of the commit so far (through the tid), its length running to the block end.</summary>
    private bool AddTail()
    {
        int room = BlockSize - _offset % BlockSize;
        if (room < 12) return false;
        var at = Bytes.AsSpan(_offset);
        BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)FcTag.TAIL);
        BinaryPrimitives.WriteUInt16LittleEndian(at[2..], (ushort)(room - 4));
        BinaryPrimitives.WriteUInt32LittleEndian(at[4..], Tid);
        _crc = Crc32C.Append(_crc, at[..8]);
        BinaryPrimitives.WriteUInt32LittleEndian(at[8..], _crc);
        _crc = 0;
        _offset += room;
        Records++;
        return _offset < Blocks * BlockSize;
    }

    private void Write(FcTag tag, int length, ReadOnlySpan<byte> value)
    {
        var at = Bytes.AsSpan(_offset, 4 + length);
        BinaryPrimitives.WriteUInt16LittleEndian(at, (ushort)tag);
        BinaryPrimitives.WriteUInt16LittleEndian(at[2..], (ushort)length);
        value.CopyTo(at[4..]);
        _crc = Crc32C.Append(_crc, at);
        _offset += at.Length;
        Records++;
    }
}
