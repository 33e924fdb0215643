using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using PlantTracking.Events;
using PlantTracking.Items;
using Projections.Core;
using Projections.Core.Events;
using Projections.Core.InMemory;
using Projections.Core.Pipeline;
using Projections.Core.Projections;
using Barrier = Projections.Core.Pipeline.Barrier;

namespace Projections.Benchmarks.Micro;

/// <summary>
/// A barrier reaching one partition that holds <see cref="Dirty"/> dirty aggregates: the partition hands
/// over (key, state, version, position, timeout) of each and clears its dirty set (design.md invariant 2).
/// Measured from sending the barrier to the handover being complete, through the partition's real channel;
/// Dirty = 0 is that path alone (waking the partition), so the difference is the snapshot itself.
/// One invocation per iteration (the setup dirties the aggregates again), hence more iterations.
/// </summary>
[IterationCount(30)]
[WarmupCount(5)]
public class BarrierSnapshotBenchmarks
{
    private readonly CancellationTokenSource _stop = new();
    private GenerationPipeline _pipeline = null!;
    private Partition _partition = null!;
    private Task _worker = null!;
    private IProjectionEventHandler _handler = null!;
    private object _payload = null!;
    private ulong _position;

    [Params(0, 1_000, 10_000)]
    public int Dirty { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var projection = new PlantItemsProjection();
        _pipeline = new GenerationPipeline(projection, 1, null, new InMemoryEventStore(), new InMemoryProjectionStore(),
            new ProjectionEngineOptions { Partitions = 1, PartitionQueueCapacity = 1 << 16 }, TimeProvider.System, NullLogger.Instance, () => { });
        _partition = _pipeline.Partitions[0];
        _partition.AllPersistedInMemory = true;
        _worker = Task.Run(() => _partition.Run(_stop.Token));
        projection.TryGetHandler(PlantEventTypes.ItemRegistered, out _handler);
        _payload = new ItemRegistered("I0000001", "P1", SampleItems.Start);
    }

    /// <summary>Makes <see cref="Dirty"/> aggregates dirty again with one new event each (positions keep rising, so none is skipped).</summary>
    [IterationSetup]
    public void MakeDirty()
    {
        for (var i = 0; i < Dirty; i++)
        {
            var e = new RecordedEvent($"item-I{i:D7}", 0, GlobalPosition.Of(++_position), Guid.Empty, PlantEventTypes.ItemRegistered, default, default, SampleItems.Start);
            _partition.Queue.Add(PartitionMessage.Apply(e.StreamId, e, _handler, _payload, SampleItems.Start, SampleItems.Start), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        _partition.Queue.Push(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        while (_partition.DirtyCount < Dirty) Thread.Yield();
    }

    [Benchmark(Description = "barrier handover of the dirty aggregates of one partition")]
    public int Snapshot()
    {
        var barrier = new Barrier(GlobalPosition.Of(_position), SampleItems.Start, 0, 0, caughtUp: true, partitions: 1);
        _partition.Queue.Add(PartitionMessage.ForBarrier(barrier), CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _partition.Queue.Push(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        barrier.Completed.GetAwaiter().GetResult();
        return barrier.Handovers[0]!.Dirty.Count;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop.Cancel();
        try { _worker.GetAwaiter().GetResult(); } catch (OperationCanceledException) { }
    }
}
