using System;
using System.Collections.Generic;

namespace Ext4Codec.Checking;

/// <summary>
/// The names seen in one directory block (check_dir_block's de_dict), reused from block to block so pass 2 does
/// not allocate per block. Names are kept by a 64-bit FNV-1a hash and confirmed byte for byte on a hit.
/// </summary>
internal sealed class NameSet
{
    private readonly Dictionary<ulong, (int Start, int Length)> _byHash = [];
    private byte[] _bytes = new byte[4096];
    private int _used;
    private bool _off;

    /// <summary>Forgets every name; <paramref name="off"/> stops looking (the directory is already marked, e2fsck's dups_found).</summary>
    public void Clear(bool off)
    {
        _byHash.Clear();
        _used = 0;
        _off = off;
    }

    /// <summary>Adds the name; true when the block already had it.</summary>
    public bool AddIsRepeat(ReadOnlySpan<byte> name)
    {
        if (_off) return false;
        ulong hash = 0xCBF29CE484222325;
        foreach (byte b in name) hash = (hash ^ b) * 0x100000001B3;
        if (_byHash.TryGetValue(hash, out var seen)) return name.SequenceEqual(_bytes.AsSpan(seen.Start, seen.Length));
        if (_used + name.Length > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + name.Length));
        name.CopyTo(_bytes.AsSpan(_used));
        _byHash[hash] = (_used, name.Length);
        _used += name.Length;
        return false;
    }
}
