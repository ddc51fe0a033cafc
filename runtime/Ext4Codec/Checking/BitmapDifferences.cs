using System.Text;

namespace Ext4Codec.Checking;

/// <summary>
/// Pass 5's "bitmap differences" line: each run of blocks or inodes whose found state differs from the on-disk
/// bitmap starts with "+n" (in use, not marked) or "-n" (marked, not in use), the first few runs only.
/// </summary>
internal sealed class BitmapDifferences
{
    private const int ShownRanges = 8;
    private readonly StringBuilder _text = new();
    private int _ranges;
    private long _last = -1;
    private bool _lastUsed;

    /// <summary>Number <paramref name="n"/> is <paramref name="used"/> by pass 1–4's count but the bitmap says otherwise.</summary>
    public void Add(ulong n, bool used)
    {
        if (_ranges < ShownRanges && ((ulong)(_last + 1) != n || _lastUsed != used))
        {
            _ranges++;
            _text.Append(used ? " +" : " -").Append(n);
        }
        _last = (long)n;
        _lastUsed = used;
    }

    public void Report(CheckContext ctx, string code, string what)
    {
        if (_text.Length > 0) ctx.Report(code, 5, what + " bitmap differences:" + _text + (_ranges >= ShownRanges ? " ..." : ""));
    }
}
