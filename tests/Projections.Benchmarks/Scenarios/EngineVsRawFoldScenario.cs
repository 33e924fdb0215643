using System.Diagnostics;
using Projections.Benchmarks.Backends;
using Projections.Benchmarks.Baselines;
using Projections.Benchmarks.Reporting;
using Projections.Benchmarks.Running;
using Projections.Core;

namespace Projections.Benchmarks.Scenarios;

/// <summary>
/// (1) The engine with an in-memory source and store against a plain single-threaded loop folding the
/// same already-deserialized events with the same handlers. Ratio = engine / raw throughput.
/// </summary>
public sealed class EngineVsRawFoldScenario(string title, Workload.Workload workload, IEventStoreFactory events, IProjectionStoreFactory documents, int rounds) : IScenario
{
    public const double Target = 0.7;
    public string Title => title;

    public async Task Run(ResultTable table, CancellationToken ct)
    {
        var source = await events.Create("engine-vs-raw", ct);
        try
        {
            await StoreLoader.CopyInto(source, workload.Events, ct);
            var projection = workload.CreateProjection();
            var prepared = PreparedEvent.Prepare(projection, workload.Events);
            double handled = prepared.Length;
            var options = new ProjectionEngineOptions();

            async Task<double> Engine()
            {
                var store = await documents.Create("engine-vs-raw", ct);
                try
                {
                    var run = await EngineRunner.RunToHead(source, store, workload.CreateProjection(), options, ct);
                    if (run.Stats.EventsProcessed < prepared.Length)
                        throw new InvalidOperationException($"The engine reached the head having processed {run.Stats.EventsProcessed} of {prepared.Length} events.");
                    return handled / run.Elapsed.TotalSeconds;
                }
                finally { await Disposal.DisposeIfNeeded(store); }
            }

            var results = await Rounds.Alternate(rounds,
            [
                ("engine", Engine),
                ("raw fold", () => Task.FromResult(Time(() => RawFold.Run(projection, prepared), handled))),
                ("raw fold + deserialize", () => Task.FromResult(Time(() => RawFold.RunDeserializing(projection, prepared), handled))),
            ], Format.Rate, warmUp: async () =>
            {
                await Engine();
                RawFold.RunDeserializing(projection, prepared);
            });

            var engine = Stats.Median(results["engine"]);
            var raw = Stats.Median(results["raw fold"]);
            var rawDeserializing = Stats.Median(results["raw fold + deserialize"]);
            table.Add(new ResultRow(Title, "engine (in-memory source and store)", Format.Rate(engine) + Stats.Spread(results["engine"], Format.Rate)));
            table.Add(new ResultRow(Title, "raw fold, pre-deserialized (1 thread)", Format.Rate(raw) + Stats.Spread(results["raw fold"], Format.Rate)));
            table.Add(new ResultRow(Title, "raw fold incl. JSON deserialization", Format.Rate(rawDeserializing) + Stats.Spread(results["raw fold + deserialize"], Format.Rate)));
            table.Add(new ResultRow(Title, "ratio engine / raw fold", Format.Ratio(engine / raw), $"≥ {Target}", engine / raw >= Target));
            table.Add(new ResultRow(Title, "ratio engine / raw fold incl. deserialization", Format.Ratio(engine / rawDeserializing)));
            table.Note(Title, $"{workload.Description}; {handled:N0} handled events, {options.Partitions} partitions; " +
                              $"the handlers alone cost {1e6 / raw:0.0} µs per event, deserialization {1e6 / rawDeserializing - 1e6 / raw:0.0} µs.");
        }
        finally { await Disposal.DisposeIfNeeded(source); }
    }

    private static double Time(Func<object> fold, double events)
    {
        var clock = Stopwatch.StartNew();
        GC.KeepAlive(fold());
        return events / clock.Elapsed.TotalSeconds;
    }
}
