using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Ext4Codec.Format;

namespace Ext4Codec.Fuzzing;

/// <summary>
/// Runs a target over mutants of the seeds, in process: iteration i takes seed i mod n and the generator
/// <see cref="FuzzRandom.ForIteration"/>(seed, i), stacks one to <see cref="FuzzOptions.MaxStack"/>
/// mutations, runs the target and judges the run: an escaping exception, a run over the slow bound (confirmed
/// by running it again), or an allocation beyond the bound proportional to the image is a finding. A watchdog
/// stops the campaign on a run that never ends. When the campaign ends each finding's mutation chain is
/// minimised (mutations dropped while the same finding still shows) and, with an output folder, written out
/// as a reproducer.
/// </summary>
public sealed class FuzzCampaign
{
    private readonly IReadOnlyList<FuzzSeed> _seeds;
    private readonly FuzzOptions _options;
    private readonly ConcurrentDictionary<string, FuzzFinding> _findings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<FuzzFinding, FuzzSeed> _findingSeeds = new();
    private readonly ConcurrentDictionary<(StructLayout, string), byte> _fieldsCovered = new();
    private readonly ConcurrentDictionary<StructLayout, byte> _structuresCovered = new();
    private readonly Stopwatch _clock = new();
    private readonly int _structuresAvailable;
    private readonly int _fieldsAvailable;
    private long _execs, _mutations, _resealed, _findingRuns, _slowestTicks;
    private volatile bool _stop;

    public FuzzCampaign(IReadOnlyList<FuzzSeed> seeds, FuzzOptions options)
    {
        if (seeds.Count == 0) throw new ArgumentException("a campaign needs at least one seed", nameof(seeds));
        _seeds = seeds;
        _options = options;
        var layouts = new HashSet<StructLayout>();
        bool stream = false;
        foreach (var seed in seeds)
        {
            foreach (var (layout, _) in seed.Map.Layouts) layouts.Add(layout);
            stream |= seed.Map.FastCommitBlocks.Count > 0;
        }
        _structuresAvailable = layouts.Count;
        foreach (var layout in layouts) _fieldsAvailable += layout.Fields.Length;
        if (stream) _fieldsAvailable++;
    }

    /// <summary>Whether a run never finished: its thread was abandoned, and the process should exit soon.</summary>
    public bool Hung { get; private set; }

    /// <summary>Runs the campaign; <paramref name="progress"/> is called about once a second, from another thread.</summary>
    public IReadOnlyList<FuzzFinding> Run(Action<FuzzStats>? progress = null, CancellationToken cancel = default)
    {
        int jobs = Math.Max(1, _options.Jobs);
        var slots = new RunSlot[jobs];
        var workers = new Thread[jobs];
        _clock.Start();
        for (int w = 0; w < jobs; w++)
        {
            int worker = w;
            slots[w] = new RunSlot();
            workers[w] = new Thread(() => Work(worker, jobs, slots[worker]), 16 << 20) { IsBackground = true, Name = "fuzz worker " + w };
            workers[w].Start();
        }
        long nextProgress = 0;
        while (true)
        {
            bool running = false;
            foreach (var t in workers) running |= t.IsAlive;
            if (!running) break;
            if (cancel.IsCancellationRequested) _stop = true;
            foreach (var slot in slots) CheckHang(slot);
            if (Hung) break;
            if (progress is not null && _clock.ElapsedMilliseconds >= nextProgress)
            {
                progress(Snapshot());
                nextProgress = _clock.ElapsedMilliseconds + 1000;
            }
            Thread.Sleep(50);
        }
        _clock.Stop();
        var findings = new List<FuzzFinding>(_findings.Values);
        findings.Sort((a, b) => a.Iteration.CompareTo(b.Iteration));
        foreach (var f in findings)
        {
            if (f.Kind != FindingKind.Hang) f.Chain = Minimize(_findingSeeds[f], f);
            if (_options.OutputDirectory is not null) f.ReproducerPath = Reproducer.Save(_options.OutputDirectory, _options, _findingSeeds[f], f);
        }
        progress?.Invoke(Snapshot());
        return findings;
    }

    public FuzzStats Snapshot() => new(
        Interlocked.Read(ref _execs), Interlocked.Read(ref _mutations), Interlocked.Read(ref _resealed), _findings.Count,
        Interlocked.Read(ref _findingRuns), _clock.Elapsed, _structuresCovered.Count, _structuresAvailable, _fieldsCovered.Count,
        _fieldsAvailable, Interlocked.Read(ref _slowestTicks) * 1000.0 / Stopwatch.Frequency);

    private void Work(int worker, int jobs, RunSlot slot)
    {
        for (long i = worker; !_stop; i += jobs)
        {
            if (_options.Iterations > 0 ? i >= _options.Iterations : _clock.Elapsed >= _options.Duration) return;
            RunOne(i, slot);
        }
    }

    private void RunOne(long iteration, RunSlot slot)
    {
        var seed = _seeds[(int)(iteration % _seeds.Count)];
        var rng = FuzzRandom.ForIteration(_options.Seed, iteration);
        using var mutant = new Mutant(seed.Image);
        var chain = Mutate(seed, mutant, ref rng);
        slot.Begin(iteration, seed, chain, mutant);
        var outcome = Execute(mutant, seed);
        slot.End();
        Interlocked.Increment(ref _execs);
        Interlocked.Add(ref _mutations, chain.Count);
        foreach (var m in chain)
        {
            if (m.Resealed) Interlocked.Increment(ref _resealed);
            _structuresCovered.TryAdd(m.Target.Layout, 0);
            _fieldsCovered.TryAdd((m.Target.Layout, m.TopField), 0);
        }
        long ticks = outcome.Ticks;
        for (long slowest = Interlocked.Read(ref _slowestTicks); ticks > slowest; slowest = Interlocked.Read(ref _slowestTicks))
            if (Interlocked.CompareExchange(ref _slowestTicks, ticks, slowest) == slowest) break;
        if (outcome.Finding is { } kind)
        {
            // A slow run must be slow again: one long GC pause or a busy machine is not a finding.
            if (kind == FindingKind.Slow && Execute(mutant, seed).Finding != FindingKind.Slow) return;
            Record(new FuzzFinding(kind, outcome.Signature, outcome.Message, seed.Name, iteration, chain), seed);
        }
    }

    private List<Mutation> Mutate(FuzzSeed seed, Mutant mutant, ref FuzzRandom rng)
    {
        int count = rng.OneIn(2) ? 1 : 1 + rng.Next(Math.Max(1, _options.MaxStack));
        var chain = new List<Mutation>(count);
        for (int k = 0; k < count; k++)
        {
            var m = ImageMutator.Create(seed.Map, mutant.Image, ref rng);
            if (m is null) continue;
            m.Apply(mutant, seed.Map);
            chain.Add(m);
        }
        return chain;
    }

    private readonly record struct Outcome(FindingKind? Finding, string Signature, string Message, long Ticks);

    private Outcome Execute(Mutant mutant, FuzzSeed seed)
    {
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        Exception? error = null;
        try
        {
            FuzzTargets.Run(_options.Target, mutant);
        }
        catch (Exception e)
        {
            error = e;
        }
        long ticks = Stopwatch.GetTimestamp() - start;
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        if (error is not null)
            return new Outcome(FindingKind.Exception, "exception " + error.GetType().FullName + " at " + ThrowingFrame(error), error.ToString(), ticks);
        // Memory first: it does not depend on the machine's speed, so minimising keeps the same signature.
        long bound = _options.MemoryFactor * seed.Image.Length + _options.MemoryAllowance;
        if (allocated > bound)
            return new Outcome(FindingKind.Memory, "memory " + _options.Target, $"the run allocated {allocated >> 20} MiB (bound {bound >> 20} MiB for a {seed.Image.Length >> 20} MiB image)", ticks);
        var elapsed = Stopwatch.GetElapsedTime(start, start + ticks);
        if (elapsed > _options.SlowRun)
            return new Outcome(FindingKind.Slow, "slow " + _options.Target, $"the run took {elapsed.TotalMilliseconds:F0} ms (bound {_options.SlowRun.TotalMilliseconds:F0} ms)", ticks);
        return new Outcome(null, "", "", ticks);
    }

    /// <summary>The first frame in this library's code: where two exceptions of one type count as the same bug.</summary>
    public static string ThrowingFrame(Exception e)
    {
        var trace = new StackTrace(e, false);
        string? first = null;
        foreach (var frame in trace.GetFrames())
        {
            // DiagnosticMethodInfo keeps working under trimming and native AOT, unlike StackFrame.GetMethod.
            var method = DiagnosticMethodInfo.Create(frame);
            if (method is null) continue;
            string where = method.DeclaringTypeName + "." + method.Name;
            first ??= where;
            if (method.DeclaringTypeName.StartsWith("Ext4Codec", StringComparison.Ordinal)) return where;
        }
        return first ?? "(unknown frame)";
    }

    private void Record(FuzzFinding finding, FuzzSeed seed)
    {
        Interlocked.Increment(ref _findingRuns);
        if (_findings.TryAdd(finding.Signature, finding)) _findingSeeds[finding] = seed;
        else if (_findings.TryGetValue(finding.Signature, out var first)) Interlocked.Increment(ref first.OccurrencesField);
    }

    private void CheckHang(RunSlot slot)
    {
        lock (slot)
        {
            if (slot.Mutant is null || Stopwatch.GetElapsedTime(slot.Started) < _options.HangLimit) return;
            var finding = new FuzzFinding(FindingKind.Hang, "hang " + _options.Target,
                $"the run did not finish within {_options.HangLimit.TotalSeconds:F0} s; its thread was abandoned", slot.Seed!.Name, slot.Iteration, slot.Chain!);
            Record(finding, slot.Seed);
            Hung = true;
            _stop = true;
        }
    }

    /// <summary>Drops mutations, last first, while the same finding still shows without them.</summary>
    private List<Mutation> Minimize(FuzzSeed seed, FuzzFinding finding)
    {
        var chain = new List<Mutation>(finding.Chain);
        for (int i = chain.Count - 1; i >= 0 && chain.Count > 1; i--)
        {
            var without = new List<Mutation>(chain);
            without.RemoveAt(i);
            if (Reproduces(seed, without, finding)) chain = without;
        }
        // Apply once more so each mutation's "resealed" state describes the minimised chain.
        using (var mutant = new Mutant(seed.Image))
            foreach (var m in chain) m.Apply(mutant, seed.Map);
        return chain;
    }

    private bool Reproduces(FuzzSeed seed, List<Mutation> chain, FuzzFinding finding)
    {
        using var mutant = new Mutant(seed.Image);
        foreach (var m in chain) m.Apply(mutant, seed.Map);
        var outcome = Execute(mutant, seed);
        return outcome.Finding == finding.Kind && outcome.Signature == finding.Signature;
    }

    /// <summary>What a worker is running now, for the hang watchdog.</summary>
    private sealed class RunSlot
    {
        public long Iteration;
        public long Started;
        public FuzzSeed? Seed;
        public List<Mutation>? Chain;
        public Mutant? Mutant;

        public void Begin(long iteration, FuzzSeed seed, List<Mutation> chain, Mutant mutant)
        {
            lock (this)
            {
                Iteration = iteration;
                Seed = seed;
                Chain = chain;
                Mutant = mutant;
                Started = Stopwatch.GetTimestamp();
            }
        }

        public void End()
        {
            lock (this) Mutant = null;
        }
    }
}
