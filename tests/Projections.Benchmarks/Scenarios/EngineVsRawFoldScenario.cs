using Projections.Benchmarks.Backends;
using Projections.Benchmarks.Baselines;
using Projections.Benchmarks.Reporting;
using Projections.Benchmarks.Running;
using Projections.Core;

namespace Projections.Benchmarks.Scenarios;

/// <summary>
/// (1) The engine with an in-memory source and store against a plain single-threaded loop folding the
/// same already-deserialized events with the same handlers. Ratio = engine / raw throughput. CPU time
/// per event is reported beside it: the engine spreads work over threads, the loop uses one. With
/// several partition counts, each is an engine variant of its own (how the engine scales with cores).
/// </summary>
public sealed class EngineVsRawFoldScenario(string title, Workload.Workload workload, IEventStoreFactory events, IProjectionStoreFactory documents, int rounds,
    IReadOnlyList<int>? partitionCounts = null) : IScenario
{
    public const double Target = 0.7;
    /// <summary>Issue 11, target 3: engine CPU per event beyond deserializing, applying and serializing once.</summary>
    public const double OverheadTargetMicros = 1.5;
    public string Title => title;

    private sealed record Figures(double EventsPerSecond, double CpuMicrosPerEvent, double WorkItemsPerEvent = 0, long Flushes = 0, long LockContentions = 0, double GcPauseShare = 0);

    public async Task Run(ResultTable table, CancellationToken ct)
    {
        var source = await events.CreateWith(workload, "engine-vs-raw", ct);
        try
        {
            var projection = workload.CreateProjection();
            var prepared = PreparedEvent.Prepare(projection, workload.Events);
            double handled = prepared.Length;
            var options = new ProjectionEngineOptions();
            IReadOnlyList<int> partitions = partitionCounts is { Count: > 0 } given ? given : [options.Partitions];
            string EngineVariant(int p) => partitions.Count == 1 ? "engine" : $"engine, {p} partition{(p == 1 ? "" : "s")}";

            async Task<Figures> Engine(ProjectionEngineOptions engineOptions)
            {
                var store = await documents.Create("engine-vs-raw", ct);
                try
                {
                    var run = await EngineRunner.RunToHead(source, store, workload.CreateProjection(), engineOptions, ct);
                    if (run.Stats.EventsProcessed < prepared.Length)
                        throw new InvalidOperationException($"The engine reached the head having processed {run.Stats.EventsProcessed} of {prepared.Length} events.");
                    return new Figures(handled / run.Elapsed.TotalSeconds, run.Cpu.TotalMicroseconds / handled,
                        run.WorkItems / handled, run.Stats.Flushes, run.LockContentions, run.GcPause / run.Elapsed);
                }
                finally { await Disposal.DisposeIfNeeded(store); }
            }

            Task<Figures> Fold(Func<object> fold)
            {
                var clock = CpuClock.Start();
                GC.KeepAlive(fold());
                var (wall, cpu) = clock.Stop();
                return Task.FromResult(new Figures(handled / wall.TotalSeconds, cpu.TotalMicroseconds / handled));
            }

            var results = await Rounds.Alternate(rounds,
            [
                .. partitions.Select(p => (EngineVariant(p), (Func<Task<Figures>>)(() => Engine(options with { Partitions = p })))),
                ("raw fold", () => Fold(() => RawFold.Run(projection, prepared))),
                ("raw fold + deserialize", () => Fold(() => RawFold.RunDeserializing(projection, prepared))),
                ("raw fold + deserialize + serialize", () => Fold(() => RawFold.RunDeserializingAndSerializing(projection, prepared))),
            ], f => $"{Format.Rate(f.EventsPerSecond)}, {f.CpuMicrosPerEvent:0.0} µs CPU per event", warmUp: async () =>
            {
                foreach (var p in partitions) await Engine(options with { Partitions = p });
                RawFold.RunDeserializing(projection, prepared);
            });

            double Rate(string variant) => Stats.Median(results[variant].Select(f => f.EventsPerSecond));
            double Cpu(string variant) => Stats.Median(results[variant].Select(f => f.CpuMicrosPerEvent));
            string Row(string variant) =>
                Format.Rate(Rate(variant)) + Stats.Spread(results[variant].Select(f => f.EventsPerSecond).ToArray(), Format.Rate) +
                $"; {Cpu(variant):0.0} µs CPU/event";

            var raw = Rate("raw fold");
            var rawDeserializing = Rate("raw fold + deserialize");
            foreach (var p in partitions)
                table.Add(new ResultRow(Title, $"{EngineVariant(p)} (in-memory source and store)", Row(EngineVariant(p))));
            table.Add(new ResultRow(Title, "raw fold, pre-deserialized (1 thread)", Row("raw fold")));
            table.Add(new ResultRow(Title, "raw fold incl. JSON deserialization", Row("raw fold + deserialize")));
            table.Add(new ResultRow(Title, "raw fold incl. deserialization and serializing each aggregate once", Row("raw fold + deserialize + serialize")));
            foreach (var p in partitions)
            {
                var engine = Rate(EngineVariant(p));
                var suffix = partitions.Count == 1 ? "" : $", {p} partition{(p == 1 ? "" : "s")}";
                table.Add(new ResultRow(Title, "ratio engine / raw fold" + suffix, Format.Ratio(engine / raw), $"≥ {Target}", engine / raw >= Target));
                table.Add(new ResultRow(Title, "ratio engine / raw fold incl. deserialization" + suffix, Format.Ratio(engine / rawDeserializing)));
                var beyond = Cpu(EngineVariant(p)) - Cpu("raw fold + deserialize + serialize");
                table.Add(new ResultRow(Title, "engine CPU per event beyond deserialize + apply + serialize" + suffix, $"{beyond:0.0} µs",
                    $"≤ {OverheadTargetMicros} µs", beyond <= OverheadTargetMicros));
                var figures = results[EngineVariant(p)];
                table.Note(Title, $"{workload.Description}; {handled:N0} handled events, {p} partitions; the engine spent " +
                                  $"{Cpu(EngineVariant(p)) - Cpu("raw fold + deserialize"):0.0} µs CPU per event beyond deserializing and applying it; " +
                                  $"{Stats.Median(figures.Select(f => f.WorkItemsPerEvent)):0.00} thread-pool work items per event, " +
                                  $"{Stats.Median(figures.Select(f => (double)f.Flushes)):0} flushes, " +
                                  $"{Stats.Median(figures.Select(f => (double)f.LockContentions)):0} lock contentions per run; " +
                                  $"GC paused the process for {Stats.Median(figures.Select(f => f.GcPauseShare)):P0} of the engine's run.");
            }
        }
        finally { await Disposal.DisposeIfNeeded(source); }
    }
}
