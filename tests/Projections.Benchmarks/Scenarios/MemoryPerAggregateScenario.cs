using Projections.Benchmarks.Backends;
using Projections.Benchmarks.Baselines;
using Projections.Benchmarks.Reporting;
using Projections.Benchmarks.Running;
using Projections.Core;
using Projections.Core.Ports;
using Projections.Core.Projections;

namespace Projections.Benchmarks.Scenarios;

/// <summary>
/// (4) The engine's own memory per live aggregate: managed heap after a full GC with the engine holding
/// N aggregates, minus the heap before it started (source events), minus what the N states themselves
/// take (measured separately by folding the same events outside the engine). Then again with
/// MaxLiveAggregates capped. Documents go to a store that drops them, so no store copy is counted.
/// </summary>
public sealed class MemoryPerAggregateScenario(
    Func<int, IEventStore, CancellationToken, Task<Workload.Workload>> populate, IEventStoreFactory events,
    IReadOnlyList<int> aggregateCounts, int evictionCap) : IScenario
{
    public const double TargetBytes = 512;
    public string Title => "4. Memory per live aggregate";

    public async Task Run(ResultTable table, CancellationToken ct)
    {
        foreach (var count in aggregateCounts)
            await Measure(table, count, cap: null, new ProjectionEngineOptions(), ct);
        var largest = aggregateCounts.Max();
        if (largest > evictionCap) await Measure(table, largest, evictionCap, new ProjectionEngineOptions(), ct);
        // The recent-events ring of the detail view is the one optional per-aggregate cost; show it separately.
        await Measure(table, aggregateCounts.Min(), cap: null, new ProjectionEngineOptions { RecentEventsPerAggregate = 0 }, ct);
    }

    private async Task Measure(ResultTable table, int aggregates, int? cap, ProjectionEngineOptions defaults, CancellationToken ct)
    {
        var source = await events.CreateEmpty($"memory-{aggregates}", ct);
        try
        {
            var workload = await populate(aggregates, source, ct);
            var statesBytes = await MeasureStates(workload, ct);
            var head = await source.ReadHeadPosition(ct);
            var projection = workload.CreateProjection();
            var options = defaults with { MaxLiveAggregates = cap };
            var baseline = await Heap.SettledLiveBytes(ct);

            await using var engine = new ProjectionEngine(source, new DiscardingProjectionStore(), [projection], options);
            await engine.StartAsync(ct);
            var runtime = engine.Find(projection.Name)!;
            await EngineRunner.WaitForHead(runtime, head, ct);
            var withEngine = Heap.LiveBytes();
            var live = runtime.GetStats().LiveAggregates;
            GC.KeepAlive(engine);
            await engine.StopAsync(ct);

            if (live == 0) throw new InvalidOperationException("The engine reports no live aggregates after reaching the head.");
            var liveStatesBytes = statesBytes.PerState * live;
            var perAggregate = (withEngine - baseline - liveStatesBytes) / live;
            var label = (cap is null ? $"{aggregates:N0} aggregates" : $"{aggregates:N0} aggregates, cap {cap:N0} ({live:N0} live)")
                        + (options.RecentEventsPerAggregate == 0 ? ", RecentEventsPerAggregate = 0" : "");
            table.Add(new ResultRow(Title, $"engine overhead per live aggregate, {label}", Format.Bytes(perAggregate), $"≤ {TargetBytes} B", perAggregate <= TargetBytes));
            table.Note(Title, $"{label}: heap {baseline / 1048576.0:N1} MiB before the engine, {withEngine / 1048576.0:N1} MiB with it; the states alone take " +
                              $"{statesBytes.PerState:N0} B each ({liveStatesBytes / 1048576.0:N1} MiB); {workload.Events.Count:N0} events; " +
                              $"RecentEventsPerAggregate = {options.RecentEventsPerAggregate}.");
            if (cap is not null && live > cap)
                table.Add(new ResultRow(Title, "live aggregates within the cap", $"{live:N0} live", $"≤ {cap:N0}", false));
        }
        finally { await Disposal.DisposeIfNeeded(source); }
    }

    private sealed record StatesSize(double PerState);

    /// <summary>
    /// Folds the events outside the engine, keeps only the resulting states, and weighs them. Payloads are
    /// deserialized inside the fold and dropped, so parts of payloads a state keeps are counted as state.
    /// </summary>
    private static async Task<StatesSize> MeasureStates(Workload.Workload workload, CancellationToken ct)
    {
        IProjection projection = workload.CreateProjection();
        var prepared = PreparedEvent.Prepare(projection, workload.Events)
            .Select(p => p with { Payload = null! }).ToArray();
        var before = await Heap.SettledLiveBytes(ct);
        var states = RawFold.RunDeserializing(projection, prepared).Values.ToArray();
        var after = Heap.LiveBytes();
        var arrayBytes = 24 + 8L * states.Length;
        GC.KeepAlive(states);
        GC.KeepAlive(prepared);
        return new StatesSize((after - before - arrayBytes) / (double)states.Length);
    }
}
