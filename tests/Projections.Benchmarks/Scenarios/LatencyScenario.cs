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
/// (5) Events are appended on a fixed schedule (open loop, <see cref="ScheduledAppender"/>) to a running
/// engine, after a warm-up that runs the same path; each event's latency is measured from the time it
/// was due to (a) the change notification that it was applied in memory (visible through GetLive) and
/// (b) the notification that its aggregate was persisted at or past it.
/// </summary>
public sealed class LatencyScenario(Workload.Workload workload, Backend backend, int rate, TimeSpan duration) : IScenario
{
    public const double LiveP99TargetMs = 20;
    /// <summary>Issue 11, target 1: with EventStoreDB as the source (the server adds its commit to every event).</summary>
    public const double EventStoreLiveP50TargetMs = 5, EventStoreLiveP99TargetMs = 50;
    public const double PersistedSlackMs = 100;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);
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
            var total = (int)Math.Min(workload.Events.Count, rate * duration.TotalSeconds);
            var appender = new ScheduledAppender(source, rate);
            // On a shared server, streams of this run only: otherwise events would extend earlier runs' items.
            var runId = backend.Events.Shared ? $"-l{DateTime.UtcNow:MMddHHmmss}" : "";

            // Warm-up: the same append, subscription and apply path at the same rate, not measured.
            var warmUp = workload.Events.Take((int)Math.Min(total, rate * WarmUp.TotalSeconds)).ToList();
            var warmed = await appender.Append(warmUp, runId + "-w", ct);
            await EngineRunner.WaitForHead(runtime, warmed.Positions.Max(), ct);

            var applied = new ConcurrentQueue<Observed>();
            var persisted = new ConcurrentQueue<Observed>();
            using var subscription = runtime.SubscribeChanges(null, change =>
            {
                var now = Stopwatch.GetTimestamp();
                if (change.Kind == EntityChangeKind.Applied) applied.Enqueue(new Observed(change.Key, change.Position, now));
                else if (change.Kind == EntityChangeKind.Persisted) persisted.Enqueue(new Observed(change.Key, change.Position, now));
            });

            var load = LoadAverage.Now();
            var pauses = GC.GetTotalPauseDuration();
            var gen2 = GC.CollectionCount(2);
            var log = await appender.Append(workload.Events.Take(total).ToList(), runId, ct);
            _gcPause = GC.GetTotalPauseDuration() - pauses;
            _gen2 = GC.CollectionCount(2) - gen2;
            Console.WriteLine($"    appended {total:N0} events ({log.AchievedRate:N0} ev/s achieved)");
            await EngineRunner.WaitForHead(runtime, log.Positions.Max(), ct);
            await engine.StopAsync(ct);
            _load = $"{load} → {LoadAverage.Now()}";

            Report(table, log, warmUp.Count, applied, persisted, options);
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

    private TimeSpan _gcPause;
    private int _gen2;
    private string _load = "?";

    private bool IsEventStore => backend.Events is EventStoreDbEventStoreFactory;

    private void Report(ResultTable table, ScheduledAppender.Log log, int warmUpEvents,
        IEnumerable<Observed> applied, IEnumerable<Observed> persisted, ProjectionEngineOptions options)
    {
        var due = new Dictionary<GlobalPosition, long>(log.Positions.Length);
        for (var i = 0; i < log.Positions.Length; i++) due[log.Positions[i]] = log.Scheduled[i];
        var acknowledged = log.Scheduled.Select((s, i) => Stopwatch.GetElapsedTime(s, log.Acknowledged[i]).TotalMilliseconds).ToArray();
        var visible = new List<double>();
        var durable = new List<double>();
        var persistedByKey = persisted.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.OrderBy(p => p.Position).ToArray());
        foreach (var a in applied)
        {
            if (!due.TryGetValue(a.Position, out var start)) continue;
            visible.Add(Stopwatch.GetElapsedTime(start, a.Timestamp).TotalMilliseconds);
            if (persistedByKey.TryGetValue(a.Key, out var writes) && FirstAtOrAfter(writes, a.Position) is { } write)
                durable.Add(Stopwatch.GetElapsedTime(start, write.Timestamp).TotalMilliseconds);
        }
        if (visible.Count == 0) throw new InvalidOperationException("No applied-change notification matched an appended event.");
        if (durable.Count == 0) throw new InvalidOperationException("No persisted-change notification matched an appended event.");

        var persistedTarget = options.MaxFlushInterval.TotalMilliseconds + PersistedSlackMs;
        table.Add(new ResultRow(Title, "append rate achieved", Format.Rate(log.AchievedRate)));
        AddPercentiles(table, "due → append acknowledged", acknowledged, null, null);
        if (IsEventStore)
            AddPercentiles(table, "due → visible in live state", visible.ToArray(), EventStoreLiveP50TargetMs, EventStoreLiveP99TargetMs);
        else
            AddPercentiles(table, "due → visible in live state", visible.ToArray(), null, LiveP99TargetMs);
        AddPercentiles(table, "due → persisted", durable.ToArray(), null, persistedTarget);
        table.Note(Title, $"{workload.Description}; {visible.Count:N0} events visible, " +
                          $"{durable.Count:N0} matched to a persisted notification; open-loop appends after {warmUpEvents:N0} warm-up events, latency counts from each event's due time " +
                          $"(sends slipped up to {log.MaxSlip.TotalMilliseconds:0.0} ms, up to {log.MaxCallsSeen} append calls in flight); load average {_load}; " +
                          $"GC paused the process {_gcPause.TotalMilliseconds:0} ms in total while appending ({_gen2} gen-2 collections).");
    }

    private void AddPercentiles(ResultTable table, string measure, double[] samples, double? p50Target, double? p99Target)
    {
        Array.Sort(samples);
        var p50 = Stats.Percentile(samples, 50);
        var p99 = Stats.Percentile(samples, 99);
        var target = string.Join(", ", new[] { p50Target is { } a ? $"p50 ≤ {a:0} ms" : null, p99Target is { } b ? $"p99 ≤ {b:0} ms" : null }.OfType<string>());
        bool? met = p50Target is null && p99Target is null ? null : p50 <= (p50Target ?? double.MaxValue) && p99 <= (p99Target ?? double.MaxValue);
        table.Add(new ResultRow(Title, measure + ", p50 / p99 / max",
            $"{Format.Ms(p50)} / {Format.Ms(p99)} / {Format.Ms(samples[^1])}", target, met));
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
