using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Ext4Codec.Checking;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// The checker against e2fsck -fn on the same mutants. Each mutant carries exactly one mutation, so a
/// disagreement is attributed to one structure field; disagreements are grouped into classes (field, our
/// verdict, e2fsck's verdict). Mutant i is the same as in a plain campaign's first mutation with that seed.
/// </summary>
public sealed class DifferentialCampaign(System.Collections.Generic.IReadOnlyList<FuzzSeed> seeds, FuzzOptions options, E2fsckOracle oracle)
{
    private const int CopyChunk = 1 << 20;
    private readonly DifferentialReport _report = new(options.Seed);
    private readonly Stopwatch _clock = new();
    private long _mutants, _agree, _disagree;

    public DifferentialReport Run(Action<DifferentialStats>? progress = null)
    {
        int jobs = Math.Max(1, options.Jobs);
        string scratch = Directory.CreateTempSubdirectory("ext4codec-differential-").FullName;
        try
        {
            _clock.Start();
            var workers = new Thread[jobs];
            for (int w = 0; w < jobs; w++)
            {
                int worker = w;
                workers[w] = new Thread(() => Work(worker, jobs, Path.Combine(scratch, "mutant-" + worker + ".img"))) { IsBackground = true };
                workers[w].Start();
            }
            long nextProgress = 0;
            foreach (var t in workers)
            {
                while (!t.Join(200))
                {
                    if (progress is not null && _clock.ElapsedMilliseconds >= nextProgress)
                    {
                        progress(Snapshot());
                        nextProgress = _clock.ElapsedMilliseconds + 1000;
                    }
                }
            }
            _clock.Stop();
            progress?.Invoke(Snapshot());
            _report.Finish(Snapshot());
            return _report;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    public DifferentialStats Snapshot() => new(Interlocked.Read(ref _mutants), Interlocked.Read(ref _agree), Interlocked.Read(ref _disagree), _report.ClassCount, _clock.Elapsed);

    private void Work(int worker, int jobs, string file)
    {
        for (long i = worker; ; i += jobs)
        {
            if (options.Iterations > 0 ? i >= options.Iterations : _clock.Elapsed >= options.Duration) return;
            var seed = seeds[(int)(i % seeds.Count)];
            var rng = FuzzRandom.ForIteration(options.Seed, i);
            using var mutant = new Mutant(seed.Image);
            var mutation = ImageMutator.Create(seed.Map, mutant.Image, ref rng);
            if (mutation is null) continue;
            mutation.Apply(mutant, seed.Map);
            var ours = FsckChecker.Check(mutant.Image);
            WriteSparse(mutant, file);
            var (exit, output) = oracle.Run(file);
            var theirs = VerdictOf(exit);
            var mine = VerdictOf(ours.ExitCode);
            Interlocked.Increment(ref _mutants);
            if (mine == theirs) Interlocked.Increment(ref _agree);
            else
            {
                Interlocked.Increment(ref _disagree);
                _report.Add(seed.Name, i, mutation, mine, theirs, ours, exit, output);
            }
        }
    }

    /// <summary>Coarse meaning of an e2fsck exit code (a bit mask: 1 corrected, 2 reboot, 4 left, 8 operational); a signal or the timeout's -1 is a crash.</summary>
    public static Verdict VerdictOf(int exit) => exit switch
    {
        < 0 or >= 16 => Verdict.Crashed,
        _ when (exit & 8) != 0 => Verdict.Operational,
        0 => Verdict.Clean,
        _ => Verdict.Errors,
    };

    /// <summary>The mutant as a file for e2fsck: all-zero chunks left as holes.</summary>
    private static void WriteSparse(Mutant mutant, string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        long length = mutant.Image.Length;
        for (long at = 0; at < length; at += CopyChunk)
        {
            var chunk = mutant.Image.Read(at, (int)Math.Min(CopyChunk, length - at));
            if (chunk.IndexOfAnyExcept((byte)0) < 0) continue;
            file.Position = at;
            file.Write(chunk);
        }
        file.SetLength(length);
    }
}
