using System.Collections.Generic;
using System.Globalization;

namespace Ext4Codec.Kernel;

/// <summary>
/// The kernel lines one mount attempt prints (see <see cref="MountOutcome"/> for their form) and, once a check
/// refuses, which check, errno and line decided it. A hostile image can print a line per group (descriptor
/// checksums on a read-only mount), so the log keeps the first lines and the last ones and counts those between.
/// </summary>
internal sealed class MountLog
{
    private const int HeadLines = 200;
    private const int TailLines = 32;
    private readonly List<string> _head = [];
    private readonly Queue<string> _tail = new();
    private int _leftOut;

    public IReadOnlyList<string> Lines
    {
        get
        {
            if (_tail.Count == 0) return _head;
            var lines = new List<string>(_head);
            if (_leftOut > 0) lines.Add("... (" + D(_leftOut) + " lines left out)");
            lines.AddRange(_tail);
            return lines;
        }
    }

    public bool Refused { get; private set; }

    public string CheckId { get; private set; } = "";

    public string Errno { get; private set; } = "";

    /// <summary>The refusing check's own line (empty when the kernel prints none, as for E2BIG).</summary>
    public string Deciding { get; private set; } = "";

    public void Add(string line)
    {
        if (_head.Count < HeadLines)
        {
            _head.Add(line);
            return;
        }
        _tail.Enqueue(line);
        if (_tail.Count > TailLines)
        {
            _tail.Dequeue();
            _leftOut++;
        }
    }

    /// <summary>An ext4_error() line: "comm mount: " and the text.</summary>
    public static string Error(string text) => "comm mount: " + text;

    /// <summary>An ext4_error_inode() line: the inode, the block when there is one, "comm mount: " and the text.</summary>
    public static string InodeError(uint ino, ulong block, string text)
        => "inode #" + U(ino) + ": " + (block != 0 ? "block " + U(block) + ": " : "") + "comm mount: " + text;

    /// <summary>Records the refusal and returns false, so a stage can end with <c>return log.Refuse(...)</c>.</summary>
    public bool Refuse(string checkId, string errno, string deciding)
    {
        Refused = true;
        CheckId = checkId;
        Errno = errno;
        Deciding = deciding;
        return false;
    }

    /// <summary>Prints <paramref name="line"/> and refuses with it as the deciding line.</summary>
    public bool Fail(string checkId, string errno, string line)
    {
        Add(line);
        return Refuse(checkId, errno, line);
    }

    public static string U(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    public static string D(long value) => value.ToString(CultureInfo.InvariantCulture);
}
