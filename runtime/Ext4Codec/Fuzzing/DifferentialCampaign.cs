using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Ext4Codec.Checking;
using Ext4Codec.Kernel;
using Ext4Codec.Live;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// The checker against e2fsck -fn on the same mutants and, given a kernel profile (root, loop devices), the mount
/// model against the running kernel's <c>-o ro</c> loop mount of each mutant. Each mutant carries exactly one
/// mutation, so a disagreement is attributed to one structure field; disagreements are grouped into classes
/// (field, our verdict, the oracle's). Mutant i is the same as in a plain campaign's first mutation with that seed.
/// </summary>
public sealed class DifferentialCampaign
{
    private readonly System.Collections.Generic.IReadOnlyList<FuzzSeed> _seeds;
    private readonly FuzzOptions _options;
    private readonly E2fsckOracle _e2fsck;
    private readonly KernelProfile? _kernel;
    private readonly Stopwatch _clock = new();
    private long _mutants;

    /// <param name="kernel">The running kernel's profile to compare live read-only mounts with; null for e2fsck alone.</param>
    public DifferentialCampaign(System.Collections.Generic.IReadOnlyList<FuzzSeed> seeds, FuzzOptions options, E2fsckOracle e2fsck, KernelProfile? kernel = null)
    {
        _seeds = seeds;
        _options = options;
        _e2fsck = e2fsck;
        _kernel = kernel;
        E2fsck = new DifferentialReport("e2fsck -fn", "e2fsck", options.Seed);
        if (kernel is not null) Kernel = new DifferentialReport($"Linux {LoopMounter.KernelRelease} -o ro (predicted by the {kernel.Version} mount model)", "kernel", options.Seed);
    }

    public DifferentialReport E2fsck { get; }

    /// <summary>Null when live mounts are not part of the campaign.</summary>
    public DifferentialReport? Kernel { get; }

    /// <summary>Why live mounts are left out of a differential campaign here, or null when they can run.</summary>
    public static string? LiveMountsUnavailable(out KernelProfile? profile)
    {
        profile = null;
        if (LoopMounter.Unavailable is { } why) return why;
        if (!KernelProfile.TryGet(LoopMounter.KernelRelease, out var p))
            return $"the running kernel is {LoopMounter.KernelRelease}; the mount model profiles only Linux 6.18";
        profile = p;
        return null;
    }

    public void Run(Action<DifferentialStats>? progress = null)
    {
        int jobs = Math.Max(1, _options.Jobs);
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
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    public DifferentialStats Snapshot() => new(Interlocked.Read(ref _mutants), E2fsck.Tally, Kernel?.Tally, _clock.Elapsed);

    private void Work(int worker, int jobs, string file)
    {
        using var mounter = _kernel is null ? null : new LoopMounter();
        for (long i = worker; ; i += jobs)
        {
            if (_options.Iterations > 0 ? i >= _options.Iterations : _clock.Elapsed >= _options.Duration) return;
            var seed = _seeds[(int)(i % _seeds.Count)];
            var rng = FuzzRandom.ForIteration(_options.Seed, i);
            using var mutant = new Mutant(seed.Image);
            var mutation = ImageMutator.Create(seed.Map, mutant.Image, ref rng);
            if (mutation is null) continue;
            mutation.Apply(mutant, seed.Map);
            var ours = FsckChecker.Check(mutant.Image);
            mutant.Image.SaveSparse(file);
            var (exit, output) = _e2fsck.Run(file);
            E2fsck.Add(seed.Name, i, mutation, DifferentialReport.Name(VerdictOf(ours.ExitCode)), DifferentialReport.Name(VerdictOf(exit)),
                ours.ExitCode, DifferentialReport.FirstFinding(ours), exit, DifferentialReport.FirstProblem(output));
            if (mounter is not null) CompareMount(mounter, seed.Name, i, mutation, mutant, file);
            Interlocked.Increment(ref _mutants);
        }
    }

    private void CompareMount(LoopMounter mounter, string seed, long iteration, Mutation mutation, Mutant mutant, string file)
    {
        var predicted = KernelMountModel.Judge(mutant.Image, null, _kernel!).Ro;
        var live = mounter.Attempt(file, null, MountRequest.Ro);
        string ourFirst = predicted.CheckId.Length > 0 ? predicted.CheckId + ": " + predicted.Message : predicted.Message;
        string theirFirst = live.Messages.Count > 0 ? live.Messages[0] : "(no kernel message)";
        Kernel!.Add(seed, iteration, mutation, predicted.Observable, live.Observable(MountRequest.Ro), predicted.Mounted ? 0 : 32, ourFirst, live.Mounted ? 0 : 32, theirFirst);
    }

    /// <summary>Coarse meaning of an e2fsck exit code (a bit mask: 1 corrected, 2 reboot, 4 left, 8 operational); a signal or the timeout's -1 is a crash.</summary>
    public static Verdict VerdictOf(int exit) => exit switch
    {
        < 0 or >= 16 => Verdict.Crashed,
        _ when (exit & 8) != 0 => Verdict.Operational,
        0 => Verdict.Clean,
        _ => Verdict.Errors,
    };
}
