using System.Diagnostics;
using Projections.Benchmarks.Backends;
using Projections.Benchmarks.Reporting;
using Projections.Benchmarks.Running;
using Projections.Core;
using Projections.Core.Runtime;

namespace Projections.Benchmarks.Scenarios;

/// <summary>
/// (3) A rebuild (new generation from the first event, built beside the active one, then switched) against
/// merely reading the same events from the store. Ratio = rebuild time / read time.
/// </summary>
public sealed class RebuildVsReadScenario(string number, Workload.Workload workload, Backend backend, int rounds) : IScenario
{
    public const double Target = 1.3;
    public Backend? Backend => backend;
    public string Title => $"{number}. Rebuild vs read ({backend.Name}, {workload.EventsPerStream} events per item)";

    public async Task Run(ResultTable table, CancellationToken ct)
    {
        var source = await backend.Events.CreateWith(workload, "rebuild", ct);
        var store = await backend.Documents.Create("rebuild", ct);
        try
        {
            var head = await source.ReadHeadPosition(ct);
            var projection = workload.CreateProjection();
            // Cold: the first build and the first read of this process pay JIT and connection set-up, as a
            // rebuild that is the first thing a process does would.
            var coldBuild = Stopwatch.StartNew();
            await using var engine = new ProjectionEngine(source, store, [projection], new ProjectionEngineOptions());
            await engine.StartAsync(ct);
            var runtime = engine.Find(projection.Name)!;
            await EngineRunner.WaitForHead(runtime, head, ct);
            var coldBuildSeconds = coldBuild.Elapsed.TotalSeconds;

            async Task<double> Read()
            {
                var clock = Stopwatch.StartNew();
                long count = 0, bytes = 0;
                await foreach (var e in source.ReadAllForward(null, projection.Filter, ct)) { count++; bytes += e.Data.Length; }
                if (count == 0) throw new InvalidOperationException("Reading the store returned no events.");
                return clock.Elapsed.TotalSeconds;
            }

            // The initial build above warmed the engine's code paths; one read warms the reader's.
            var coldRead = await Read();
            var results = await Rounds.Alternate(rounds,
            [
                ("rebuild", async () =>
                {
                    var generation = runtime.GetStats().Generation;
                    var clock = Stopwatch.StartNew();
                    await engine.StartRebuild(projection.Name, ct);
                    await WaitForSwitch(runtime, generation, ct);
                    return clock.Elapsed.TotalSeconds;
                }),
                ("read", Read),
            ], Format.Seconds);
            await engine.StopAsync(ct);

            var rebuild = Stats.Median(results["rebuild"]);
            var read = Stats.Median(results["read"]);
            table.Add(new ResultRow(Title, "rebuild to the head and switch", Format.Seconds(rebuild) + Stats.Spread(results["rebuild"], Format.Seconds)));
            table.Add(new ResultRow(Title, "read the same events", Format.Seconds(read) + Stats.Spread(results["read"], Format.Seconds)));
            table.Add(new ResultRow(Title, "ratio rebuild / read", Format.Ratio(rebuild / read), $"≤ {Target}", rebuild / read <= Target));
            table.Add(new ResultRow(Title, "cold: first build of a fresh engine / first read of the process",
                $"{Format.Seconds(coldBuildSeconds)} / {Format.Seconds(coldRead)} = {Format.Ratio(coldBuildSeconds / coldRead)}"));
            table.Note(Title, $"{workload.Description}; the rebuild runs while generation g keeps following live events (none arrive here); " +
                              $"load average {LoadAverage.Now()}.");
        }
        finally
        {
            await Disposal.DisposeIfNeeded(store);
            await Disposal.DisposeIfNeeded(source);
        }
    }

    /// <summary>The rebuild is done when a newer generation is active and no rebuild is in progress.</summary>
    private static async Task WaitForSwitch(IProjectionRuntime runtime, int previousGeneration, CancellationToken ct)
    {
        while (runtime.Rebuild is not null || runtime.GetStats().Generation <= previousGeneration)
        {
            if (runtime.Status == ProjectionStatus.Stopped)
                throw new InvalidOperationException($"Projection '{runtime.Name}' stopped during the rebuild: {runtime.Error?.Message}", runtime.Error);
            await Task.Delay(2, ct);
        }
    }
}
