namespace Ext4Codec.Fuzz;

/// <summary>Which engine (if any) feeds the harness its inputs.</summary>
internal enum HarnessMode
{
    /// <summary>AFL++ through SharpFuzz's in-process fork server; input on stdin (run once when not under afl-fuzz).</summary>
    Afl,

    /// <summary>libFuzzer through the libfuzzer-dotnet driver (shared memory and pipes).</summary>
    LibFuzzer,

    /// <summary>No engine: each input file runs once and what escapes is printed.</summary>
    Replay,

    /// <summary>No engine: write small structured-mode starting inputs into a folder.</summary>
    MakeInputs,
}
