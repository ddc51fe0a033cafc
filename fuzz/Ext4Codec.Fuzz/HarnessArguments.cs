using System;
using System.Collections.Generic;
using Ext4Codec.Fuzzing;

namespace Ext4Codec.Fuzz;

/// <summary>The parsed command line: <c>TARGET [--structured SEED...] [--libfuzzer | --replay INPUT... | --make-inputs DIR]</c>.</summary>
internal sealed class HarnessArguments
{
    public const string Usage = """
        usage: ext4codec-fuzz TARGET [--structured SEED...] [--libfuzzer | --replay INPUT... | --make-inputs DIR]
          TARGET               check | info | journal | fc | replay | compat (the CLI verb's code path)
          (no mode option)     AFL++ persistent mode, input on stdin; run once on stdin when not under afl-fuzz
          --libfuzzer          serve libfuzzer-dotnet (the driver sets the environment; it passes one argument)
          --replay INPUT...    run each input file (every file of a folder) once and print what escapes;
                               exit 1 when an input is a finding, 2 when one cannot be read
          --make-inputs DIR    structured mode: write small starting inputs (a few per seed) into DIR
          --structured SEED... inputs drive the structure-aware mutator over these seed images (raw or .gz files,
                               or folders of them) instead of being images; replay with the same seeds, same order
        """;

    public FuzzTarget Target { get; private init; }

    public HarnessMode Mode { get; private init; }

    /// <summary>Null in raw mode.</summary>
    public List<string>? Seeds { get; private init; }

    /// <summary>Input files for <see cref="HarnessMode.Replay"/>; the folder for <see cref="HarnessMode.MakeInputs"/>.</summary>
    public List<string> Paths { get; private init; } = [];

    public static HarnessArguments? Parse(string[] args, out string error)
    {
        error = "";
        if (args.Length == 0 || !TryTarget(args[0], out var target))
        {
            error = args.Length == 0 ? "a target is required" : $"unknown target '{args[0]}'";
            return null;
        }
        var mode = HarnessMode.Afl;
        List<string>? seeds = null;
        var paths = new List<string>();
        List<string>? collecting = null;
        for (int i = 1; i < args.Length; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "--structured":
                    seeds ??= [];
                    collecting = seeds;
                    continue;
                case "--libfuzzer" or "--replay" or "--make-inputs":
                    if (mode != HarnessMode.Afl)
                    {
                        error = "choose one of --libfuzzer, --replay, --make-inputs";
                        return null;
                    }
                    mode = arg switch { "--libfuzzer" => HarnessMode.LibFuzzer, "--replay" => HarnessMode.Replay, _ => HarnessMode.MakeInputs };
                    collecting = mode == HarnessMode.LibFuzzer ? null : paths;
                    continue;
            }
            if (arg.StartsWith("--", StringComparison.Ordinal) || collecting is null)
            {
                error = $"unexpected argument '{arg}'";
                return null;
            }
            collecting.Add(arg);
        }
        if (seeds is { Count: 0 }) error = "--structured needs at least one seed image or folder";
        else if (mode == HarnessMode.Replay && paths.Count == 0) error = "--replay needs at least one input";
        else if (mode == HarnessMode.MakeInputs && (paths.Count != 1 || seeds is null)) error = "--make-inputs needs one folder and --structured seeds";
        return error.Length > 0 ? null : new HarnessArguments { Target = target, Mode = mode, Seeds = seeds, Paths = paths };
    }

    private static bool TryTarget(string name, out FuzzTarget target)
    {
        target = name switch
        {
            "check" => FuzzTarget.Check,
            "info" => FuzzTarget.Info,
            "journal" => FuzzTarget.Journal,
            "fc" => FuzzTarget.Fc,
            "replay" => FuzzTarget.Replay,
            "compat" => FuzzTarget.Compat,
            _ => (FuzzTarget)(-1),
        };
        return Enum.IsDefined(target);
    }
}
