using System.Diagnostics;
using Projections.Benchmarks.Backends;
using Projections.Benchmarks.Baselines;
using Projections.Benchmarks.Reporting;
using Projections.Benchmarks.Running;
using Projections.Core;

namespace Projections.Benchmarks.Scenarios;

/// <summary>
/// (2) The coalescing engine against a per-event projector (load, apply, write back for every event;
/// checkpoint every 100 events) on the same store kind and the same events. The per-event projector
/// costs the same for every event, so it may stop after <paramref name="perEventBudget"/> and report
/// its rate over the events it did; the engine always runs to the head.
/// </summary>
/// <param name="judged">The targets are stated at 100 events per item; other workloads are shown for comparison only.</param>
public sealed class CoalescingVsPerEventScenario(string number, Workload.Workload workload, Backend backend, int rounds, TimeSpan perEventBudget, bool judged) : IScenario
{
    public const double SpeedUpTarget = 20;
    public const double WriteAmplificationTarget = 0.1;
    public Backend? Backend => backend;
    public string Title => $"{number}. Coalescing vs per-event writes ({backend.Name}, {workload.EventsPerStream} events per item)";

    private sealed record Figures(double EventsPerSecond, double WriteAmplification, double StoreShare, long Events);

    public async Task Run(ResultTable table, CancellationToken ct)
    {
        var source = await backend.Events.CreateWith(workload, "coalescing", ct);
        try
        {
            double handled = await StoreLoader.CountHandled(source, workload.CreateProjection(), ct);
            var run = 0;

            async Task<Figures> Engine()
            {
                var store = new CountingProjectionStore(await backend.Documents.Create($"coalescing-engine-{++run}", ct));
                try
                {
                    var result = await EngineRunner.RunToHead(source, store, workload.CreateProjection(), new ProjectionEngineOptions(), ct);
                    return new Figures(handled / result.Elapsed.TotalSeconds, store.DocumentsWritten / handled,
                        store.WriteTime / result.Elapsed, (long)handled);
                }
                finally { await Disposal.DisposeIfNeeded(store); }
            }

            async Task<Figures> PerEvent(TimeSpan budget)
            {
                var store = new CountingProjectionStore(await backend.Documents.Create($"coalescing-per-event-{++run}", ct));
                try
                {
                    var projection = workload.CreateProjection();
                    var projector = new PerEventProjector(source, store, projection, projection.Name);
                    var clock = Stopwatch.StartNew();
                    await projector.Run(budget, ct);
                    clock.Stop();
                    return new Figures(projector.EventsApplied / clock.Elapsed.TotalSeconds,
                        store.DocumentsWritten / (double)projector.EventsApplied, store.WriteTime / clock.Elapsed, projector.EventsApplied);
                }
                finally { await Disposal.DisposeIfNeeded(store); }
            }

            var results = await Rounds.Alternate(rounds,
            [
                ("engine", Engine),
                ("per-event", () => PerEvent(perEventBudget)),
            ], f => $"{Format.Rate(f.EventsPerSecond)}, write amplification {Format.Number(f.WriteAmplification)}, store {f.StoreShare:P0} of the time, {f.Events:N0} events",
            warmUp: async () =>
            {
                await Engine();
                await PerEvent(TimeSpan.FromSeconds(1));
            });

            var engine = results["engine"];
            var perEvent = results["per-event"];
            var engineRate = Stats.Median(engine.Select(f => f.EventsPerSecond));
            var perEventRate = Stats.Median(perEvent.Select(f => f.EventsPerSecond));
            var engineWa = Stats.Median(engine.Select(f => f.WriteAmplification));
            var speedUp = engineRate / perEventRate;
            table.Add(new ResultRow(Title, "engine", Format.Rate(engineRate) + Stats.Spread(engine.Select(f => f.EventsPerSecond).ToArray(), Format.Rate)));
            table.Add(new ResultRow(Title, "per-event projector", Format.Rate(perEventRate) + Stats.Spread(perEvent.Select(f => f.EventsPerSecond).ToArray(), Format.Rate)));
            table.Add(new ResultRow(Title, $"speed-up at {workload.EventsPerStream} events per item", Format.Times(speedUp), judged ? $"≥ {SpeedUpTarget}x" : "", judged ? speedUp >= SpeedUpTarget : null));
            table.Add(new ResultRow(Title, "write amplification, engine (documents / events)", Format.Number(engineWa), judged ? $"≤ {WriteAmplificationTarget}" : "", judged ? engineWa <= WriteAmplificationTarget : null));
            table.Add(new ResultRow(Title, "write amplification, per-event", Format.Number(Stats.Median(perEvent.Select(f => f.WriteAmplification)))));
            table.Note(Title, $"{workload.Description}; store writes took {Stats.Median(engine.Select(f => f.StoreShare)):P0} of the engine's time and " +
                              $"{Stats.Median(perEvent.Select(f => f.StoreShare)):P0} of the per-event projector's; the per-event projector ran " +
                              $"{perEvent.Min(f => f.Events):N0}–{perEvent.Max(f => f.Events):N0} of {handled:N0} events (budget {perEventBudget.TotalSeconds:0} s per round).");
        }
        finally { await Disposal.DisposeIfNeeded(source); }
    }
}
