using BenchmarkDotNet.Attributes;
using Projections.Benchmarks.Backends;
using Projections.Benchmarks.Running;
using Projections.Benchmarks.Workload;
using Projections.Core;
using Projections.Core.InMemory;

namespace Projections.Benchmarks.Micro;

/// <summary>
/// The whole engine (reader, two partitions, flusher) over <see cref="Events"/> light-handler events (the
/// workload of scenario 1b: items registered and detected once), in memory, documents counted and dropped.
/// One operation is one applied event, so Allocated is bytes per event, everything included: the source's
/// <c>RecordedEvent</c>, payload and state of the handler (see the Json and Apply benchmarks for those
/// alone), the engine's per-event objects, and its per-aggregate and per-flush objects spread over the events.
/// With <see cref="Subscribed"/> a no-op change subscriber listens, as the live web page does.
/// </summary>
[IterationCount(5)]
[WarmupCount(2)]
public class EngineEventBenchmarks
{
    public const int Events = 20_000;
    private InMemoryEventStore _source = null!;
    private Workload.Workload _workload = null!;

    [Params(false, true)]
    public bool Subscribed { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _source = new InMemoryEventStore();
        _workload = RegisteredItems.Populate(_source, Events / 2, 12, CancellationToken.None).GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = Events, Description = "engine, per applied event (light handlers, in memory)")]
    public long ApplyEvents() => Run().GetAwaiter().GetResult();

    private async Task<long> Run()
    {
        var head = await _source.ReadHeadPosition(CancellationToken.None);
        var projection = _workload.CreateProjection();
        await using var engine = new ProjectionEngine(_source, new DiscardingProjectionStore(), [projection], new ProjectionEngineOptions());
        await engine.StartAsync(CancellationToken.None);
        var runtime = engine.Find(projection.Name)!;
        using var subscription = Subscribed ? runtime.SubscribeChanges(null, _ => { }) : null;
        await EngineRunner.WaitForHead(runtime, head, CancellationToken.None);
        var processed = runtime.GetStats().EventsProcessed;
        await engine.StopAsync(CancellationToken.None);
        return processed;
    }
}
