using System;
using System.IO;
using Ext4Codec.Fuzzing;
using SharpFuzz;

namespace Ext4Codec.Fuzz;

/// <summary>SharpFuzz entry points: AFL++ (default), libFuzzer (<c>--libfuzzer</c>), engine-less replay.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var parsed = HarnessArguments.Parse(args, out string error);
        if (parsed is null)
        {
            Console.Error.WriteLine("ext4codec-fuzz: " + error);
            Console.Error.WriteLine(HarnessArguments.Usage);
            return 2;
        }
        // Before any instrumented code runs (locating seeds is instrumented).
        TraceScratch.Install();
        var seeds = parsed.Seeds is null ? null : SeedLoader.Load(parsed.Seeds, Console.Error, "ext4codec-fuzz");
        if (seeds is { Count: 0 })
        {
            Console.Error.WriteLine("ext4codec-fuzz: no usable seed image");
            return 2;
        }
        var harness = new Harness(parsed.Target, seeds);
        switch (parsed.Mode)
        {
            case HarnessMode.Replay:
                return ReplayRunner.Run(harness, parsed.Paths, Console.Out, Console.Error);
            case HarnessMode.MakeInputs:
                return InputWriter.Write(seeds!, parsed.Paths[0], Console.Out);
            case HarnessMode.LibFuzzer:
                // Outside the driver SharpFuzz would read the input from argv[1] (our TARGET); say what to do instead.
                if (Environment.GetEnvironmentVariable("__LIBFUZZER_SHM_ID") is null)
                {
                    Console.Error.WriteLine("ext4codec-fuzz: --libfuzzer runs under libfuzzer-dotnet; use --replay INPUT to run a file");
                    return 2;
                }
                Fuzzer.LibFuzzer.Run(span => harness.Run(span));
                return 0;
            default:
                var buffer = new MemoryStream();
                Fuzzer.Run(stream =>
                {
                    buffer.SetLength(0);
                    stream.CopyTo(buffer);
                    harness.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
                });
                return 0;
        }
    }
}
