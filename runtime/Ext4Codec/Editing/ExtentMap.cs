using System;
using System.Collections.Generic;
using Ext4Codec.FileSystem;

namespace Ext4Codec.Editing;

/// <summary>
/// A file's logical-to-physical map held in memory while it is edited: sorted, non-overlapping runs, merged
/// where ext4_ext_try_to_merge would merge them. <see cref="ExtentTreeWriter"/> turns it back into a tree.
/// </summary>
public sealed class ExtentMap
{
    /// <summary>Longest initialised extent (EXT_INIT_MAX_LEN) and longest unwritten one (EXT_UNWRITTEN_MAX_LEN).</summary>
    public const uint MaxWritten = 32768, MaxUnwritten = 32767;

    private readonly List<ExtentRecord> _runs;

    public ExtentMap(IEnumerable<ExtentRecord> runs)
    {
        _runs = [.. runs];
        _runs.Sort((a, b) => a.Logical.CompareTo(b.Logical));
        Merge();
    }

    public IReadOnlyList<ExtentRecord> Runs => _runs;

    /// <summary>Blocks mapped, unwritten ones included.</summary>
    public ulong MappedBlocks
    {
        get
        {
            ulong n = 0;
            foreach (var r in _runs) n += r.Length;
            return n;
        }
    }

    /// <summary>The physical block behind <paramref name="logical"/>, or null for a hole.</summary>
    public ulong? Lookup(ulong logical)
    {
        foreach (var r in _runs)
        {
            if (logical < r.Logical) break;
            if (logical - r.Logical < r.Length) return r.Physical + (logical - r.Logical);
        }
        return null;
    }

    /// <summary>Unmaps [<paramref name="logical"/>, +<paramref name="count"/>); the physical runs it held are added to <paramref name="removed"/>.</summary>
    public void Remove(ulong logical, ulong count, List<ExtentRecord> removed)
    {
        if (count == 0) return;
        ulong end = logical + count;
        for (int i = 0; i < _runs.Count; i++)
        {
            var r = _runs[i];
            ulong rEnd = r.Logical + r.Length;
            if (rEnd <= logical || r.Logical >= end) continue;
            ulong cutStart = Math.Max(r.Logical, logical), cutEnd = Math.Min(rEnd, end);
            removed.Add(new ExtentRecord(cutStart, (uint)(cutEnd - cutStart), r.Physical + (cutStart - r.Logical), r.Unwritten));
            _runs.RemoveAt(i);
            int at = i;
            if (r.Logical < cutStart) _runs.Insert(at++, r with { Length = (uint)(cutStart - r.Logical) });
            if (cutEnd < rEnd) _runs.Insert(at++, new ExtentRecord(cutEnd, (uint)(rEnd - cutEnd), r.Physical + (cutEnd - r.Logical), r.Unwritten));
            i = at - 1;
        }
    }

    /// <summary>
    /// Maps the run as ext4_fc_replay_add_range does: whatever the range mapped before is replaced; physical
    /// blocks it no longer uses are added to <paramref name="released"/>.
    /// </summary>
    public void Add(ExtentRecord run, List<ExtentRecord> released)
    {
        if (run.Length == 0) return;
        var old = new List<ExtentRecord>();
        Remove(run.Logical, run.Length, old);
        foreach (var o in old)
        {
            // Blocks that stay where they were (only the written state changes) are not released.
            if (o.Physical == run.Physical + (o.Logical - run.Logical)) continue;
            released.Add(o);
        }
        int index = 0;
        while (index < _runs.Count && _runs[index].Logical < run.Logical) index++;
        _runs.Insert(index, run);
        Merge();
    }

    private void Merge()
    {
        for (int i = _runs.Count - 1; i > 0; i--)
        {
            var a = _runs[i - 1];
            var b = _runs[i];
            uint max = a.Unwritten ? MaxUnwritten : MaxWritten;
            if (a.Unwritten == b.Unwritten && a.Logical + a.Length == b.Logical && a.Physical + a.Length == b.Physical && a.Length + b.Length <= max)
            {
                _runs[i - 1] = a with { Length = a.Length + b.Length };
                _runs.RemoveAt(i);
            }
        }
    }
}
