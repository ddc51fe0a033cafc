using System.Collections.Generic;

namespace Ext4Codec.Kernel;

/// <summary>
/// The block_validity zones (fs/ext4/block_validity.c): filesystem metadata (inode 0) and the journal's blocks
/// (its inode), merged where adjacent with the same owner. Like add_system_zone, an insertion fails only when its
/// first block falls inside an existing zone; a zone that starts before another and runs into it goes in. The
/// kernel's rbtree search is modelled by the in-order predecessor, which lies on every search path. Zones are kept
/// in sorted buckets, so neither insertion nor search degrades on images with very many groups.
/// </summary>
internal sealed class SystemZone
{
    private const int BucketSplit = 1024;
    private readonly List<List<Zone>> _buckets = [];

    private readonly record struct Zone(ulong Start, ulong Count, uint Ino)
    {
        public ulong End => Start + Count;
    }

    /// <summary>add_system_zone: false (EFSCORRUPTED) when <paramref name="start"/> lies in a zone already there.</summary>
    public bool Add(ulong start, ulong count, uint ino)
    {
        var at = Locate(start);
        if (at.Bucket >= 0 && start < Get(at).End) return false;
        var zone = new Zone(start, count, ino);
        if (at.Bucket >= 0 && Get(at) is var left && left.End == start && left.Ino == ino)
        {
            zone = new Zone(left.Start, left.Count + count, ino);
            at = RemoveAt(at);
        }
        var next = Next(at);
        if (next.Bucket >= 0 && Get(next) is var right && zone.End == right.Start && right.Ino == ino)
        {
            zone = zone with { Count = zone.Count + right.Count };
            RemoveAt(next);
        }
        InsertAfter(at, zone);
        return true;
    }

    /// <summary>The search of ext4_sb_block_valid: false when a zone owned by another inode overlaps [start, start + count).</summary>
    public bool Allows(ulong start, ulong count, uint ino)
    {
        for (var at = Locate(start + count - 1); at.Bucket >= 0 && Get(at).End > start; at = Previous(at))
        {
            if (Get(at).Ino != ino) return false;
        }
        return true;
    }

    private readonly record struct Position(int Bucket, int Index);

    private Zone Get(Position at) => _buckets[at.Bucket][at.Index];

    /// <summary>The last zone starting at or before <paramref name="block"/>, or bucket -1.</summary>
    private Position Locate(ulong block)
    {
        int lo = 0, hi = _buckets.Count - 1, bucket = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_buckets[mid][0].Start <= block) (bucket, lo) = (mid, mid + 1);
            else hi = mid - 1;
        }
        if (bucket < 0) return new Position(-1, -1);
        var list = _buckets[bucket];
        int index = 0;
        (lo, hi) = (0, list.Count - 1);
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (list[mid].Start <= block) (index, lo) = (mid, mid + 1);
            else hi = mid - 1;
        }
        return new Position(bucket, index);
    }

    private Position Previous(Position at)
    {
        if (at.Index > 0) return at with { Index = at.Index - 1 };
        return at.Bucket > 0 ? new Position(at.Bucket - 1, _buckets[at.Bucket - 1].Count - 1) : new Position(-1, -1);
    }

    /// <summary>The zone after <paramref name="at"/> (bucket -1 means before the first zone).</summary>
    private Position Next(Position at)
    {
        if (at.Bucket < 0) return _buckets.Count > 0 ? new Position(0, 0) : new Position(-1, -1);
        if (at.Index + 1 < _buckets[at.Bucket].Count) return at with { Index = at.Index + 1 };
        return at.Bucket + 1 < _buckets.Count ? new Position(at.Bucket + 1, 0) : new Position(-1, -1);
    }

    /// <summary>Removes the zone and returns the position of the one before it.</summary>
    private Position RemoveAt(Position at)
    {
        var previous = Previous(at);
        var list = _buckets[at.Bucket];
        list.RemoveAt(at.Index);
        if (list.Count == 0) _buckets.RemoveAt(at.Bucket);
        return previous;
    }

    private void InsertAfter(Position at, Zone zone)
    {
        if (_buckets.Count == 0)
        {
            _buckets.Add([zone]);
            return;
        }
        var (bucket, index) = at.Bucket < 0 ? (0, 0) : (at.Bucket, at.Index + 1);
        var list = _buckets[bucket];
        list.Insert(index, zone);
        if (list.Count > BucketSplit)
        {
            var upper = list.GetRange(BucketSplit / 2, list.Count - BucketSplit / 2);
            list.RemoveRange(BucketSplit / 2, upper.Count);
            _buckets.Insert(bucket + 1, upper);
        }
    }
}
