using System.Collections.Concurrent;
using System.Diagnostics;
using Projections.Benchmarks.Backends;
using Projections.Benchmarks.Reporting;
using Projections.Benchmarks.Running;
using Projections.Core;
using Projections.Core.Events;
using Projections.Core.Runtime;

namespace Projections.Benchmarks.Scenarios;

/// <summary>
/// (5) Events are appended at a fixed rate to a running engine; each event's latency is measured from
/// the start of its append call to (a) the change notification that it was applied in memory (visible
/// through GetLive) and (b) the notification that its aggregate was persisted at or past it.
/// </summary>
public sealed class LatencyScenario(Workload.Workload workload, Backend backend, int rate, TimeSpan duration) : IScenario
{
    public const double LiveP99TargetMs = 20;
    public const double PersistedSlackMs = 100;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(2);
    public Backend? Backend => backend;
    public string Title => $"5. Latency at {rate:N0} events/s ({backend.Name})";

    private readonly record struct Observed(string Key, GlobalPosition Position, long Timestamp);

    public async Task Run(ResultTable table, CancellationToken ct)
    {
        var source = await backend.Events.CreateEmpty("latency", ct);
        var store = await backend.Documents.Create("latency", ct);
        try
        {
            var options = new ProjectionEngineOptions();
            var projection = workload.CreateProjection();
            await using var engine = new ProjectionEngine(source, store, [projection], options);
            await engine.StartAsync(ct);
            var runtime = engine.Find(projection.Name)!;
            await WaitUntilLive(runtime, ct);
            var applied = new ConcurrentQueue<Observed>();
            var persisted = new ConcurrentQueue<Observed>();
            using var subscription = runtime.SubscribeChanges(null, change =>
            {
                var now = Stopwatch.GetTimestamp();
                if (change.Kind == EntityChangeKind.Applied) applied.Enqueue(new Observed(change.Key, change.Position, now));
                else if (change.Kind == EntityChangeKind.Persisted) persisted.Enqueue(new Observed(change.Key, change.Position, now));
            });

            var pauses = GC.GetTotalPauseDuration();
            var gen2 = GC.CollectionCount(2);
            var appended = await AppendAtRate(source, ct);
            _gcPause = GC.GetTotalPauseDuration() - pauses;
            _gen2 = GC.CollectionCount(2) - gen2;
            var last = appended.Keys.Max();
            await EngineRunner.WaitForHead(runtime, last, ct);
            await engine.StopAsync(ct);

            Report(table, appended, applied, persisted, options);
        }
        finally
        {
            await Disposal.DisposeIfNeeded(store);
            await Disposal.DisposeIfNeeded(source);
        }
    }

    /// <summary>On a shared server the engine first catches up with what earlier runs left there; latency counts only from live.</summary>
    private static async Task WaitUntilLive(IProjectionRuntime runtime, CancellationToken ct)
    {
        while (runtime.Status != ProjectionStatus.Live)
        {
            if (runtime.Status == ProjectionStatus.Stopped)
                throw new InvalidOperationException($"Projection '{runtime.Name}' stopped before going live: {runtime.Error?.Message}", runtime.Error);
            await Task.Delay(10, ct);
        }
    }

    /// <summary>Appends the workload's events in global order, paced by the clock; returns each event's position and append start.</summary>
    private async Task<Dictionary<GlobalPosition, long>> AppendAtRate(Core.Ports.IEventStore target, CancellationToken ct)
    {
        var total = (int)Math.Min(workload.Events.Count, rate * duration.TotalSeconds);
        // On a shared server, streams of this run only: otherwise events would extend earlier runs' items.
        var suffix = backend.Events.Shared ? $"-l{DateTime.UtcNow:MMddHHmmss}" : "";
        var started = new Dictionary<GlobalPosition, long>(total);
        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (sent < total)
        {
            var due = (int)Math.Min(total, rate * clock.Elapsed.TotalSeconds);
            if (due > sent)
            {
                // One request per event so every event gets its own position back.
                var requests = new List<AppendRequest>(due - sent);
                for (var i = sent; i < due; i++)
                    requests.Add(new AppendRequest(workload.Events[i].StreamId + suffix, ExpectedRevision.Any, [StoreLoader.ToEventData(workload.Events[i])]));
                var start = Stopwatch.GetTimestamp();
                var results = await target.AppendMany(requests, ct);
                foreach (var r in results) started[r.Position] = start;
                sent = due;
            }
            await Task.Delay(Tick, ct);
        }
        var achieved = sent / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"    appended {sent:N0} events in {clock.Elapsed.TotalSeconds:0.0} s ({achieved:N0} ev/s)");
        AchievedRate = achieved;
        return started;
    }

    private double AchievedRate { get; set; }
    private TimeSpan _gcPause;
    private int _gen2;

    private void Report(ResultTable table, Dictionary<GlobalPosition, long> appended,
        IEnumerable<Observed> applied, IEnumerable<Observed> persisted, ProjectionEngineOptions options)
    {
        var visible = new List<double>();
        var durable = new List<double>();
        var persistedByKey = persisted.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.OrderBy(p => p.Position).ToArray());
        foreach (var a in applied)
        {
            if (!appended.TryGetValue(a.Position, out var start)) continue;
            visible.Add(Stopwatch.GetElapsedTime(start, a.Timestamp).TotalMilliseconds);
            if (persistedByKey.TryGetValue(a.Key, out var writes) && FirstAtOrAfter(writes, a.Position) is { } write)
                durable.Add(Stopwatch.GetElapsedTime(start, write.Timestamp).TotalMilliseconds);
        }
        if (visible.Count == 0) throw new InvalidOperationException("No applied-change notification matched an appended event.");
        if (durable.Count == 0) throw new InvalidOperationException("No persisted-change notification matched an appended event.");

        var persistedTarget = options.MaxFlushInterval.TotalMilliseconds + PersistedSlackMs;
        table.Add(new ResultRow(Title, "append rate achieved", Format.Rate(AchievedRate)));
        AddPercentiles(table, "appended → visible in live state", visible.ToArray(), LiveP99TargetMs);
        AddPercentiles(table, "appended → persisted", durable.ToArray(), persistedTarget);
        table.Note(Title, $"{workload.Description}; {visible.Count:N0} events visible, " +
                          $"{durable.Count:N0} matched to a persisted notification; latency counts from the start of the append call; " +
                          $"GC paused the process {_gcPause.TotalMilliseconds:0} ms in total while appending ({_gen2} gen-2 collections).");
    }

    private void AddPercentiles(ResultTable table, string measure, double[] samples, double p99Target)
    {
        Array.Sort(samples);
        var p99 = Stats.Percentile(samples, 99);
        table.Add(new ResultRow(Title, measure + ", p50 / p99 / max",
            $"{Format.Ms(Stats.Percentile(samples, 50))} / {Format.Ms(p99)} / {Format.Ms(samples[^1])}",
            $"p99 ≤ {p99Target:0} ms", p99 <= p99Target));
    }

    private static Observed? FirstAtOrAfter(Observed[] ascending, GlobalPosition position)
    {
        int lo = 0, hi = ascending.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (ascending[mid].Position < position) lo = mid + 1; else hi = mid;
        }
        return lo < ascending.Length ? ascending[lo] : null;
    }
}
