using System;
using System.Globalization;
using System.IO;
using Ext4Codec.Fuzzing;

namespace Ext4Codec.Cli.Commands;

/// <summary>
/// The campaign's progress on standard error: one line rewritten in place each second on a terminal, a plain
/// line every ten seconds otherwise (CI logs), nothing when standard error is not the console.
/// </summary>
public sealed class FuzzProgress(TextWriter error)
{
    private readonly bool _console = ReferenceEquals(error, Console.Error);
    private readonly bool _terminal = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
    private int _calls;

    public void Show(FuzzStats s)
        => Write(string.Create(CultureInfo.InvariantCulture,
            $"[{s.Elapsed:hh\\:mm\\:ss}] {s.Execs} mutants ({s.ExecsPerSecond:F0}/s), {s.Mutations} mutations | structures {s.StructuresCovered}/{s.StructuresAvailable}, fields {s.FieldsCovered}/{s.FieldsAvailable} | findings {s.Findings}"));

    public void ShowDifferential(DifferentialStats s)
    {
        var c = CultureInfo.InvariantCulture;
        string line = string.Create(c, $"[{s.Elapsed:hh\\:mm\\:ss}] {s.Mutants} mutants ({s.Mutants / Math.Max(0.001, s.Elapsed.TotalSeconds):F1}/s) | e2fsck: agree {s.E2fsck.Agree}, disagree {s.E2fsck.Disagree} in {s.E2fsck.Classes} classes");
        if (s.Kernel is { } k) line += string.Create(c, $" | kernel: agree {k.Agree}, disagree {k.Disagree} in {k.Classes} classes");
        Write(line);
    }

    private void Write(string line)
    {
        if (!_console) return;
        if (_terminal) error.Write("\r\u001b[K" + line);
        else if (_calls % 10 == 0) error.WriteLine(line);
        _calls++;
    }

    public void Finish()
    {
        if (_terminal) error.Write("\r\u001b[K");
    }
}
