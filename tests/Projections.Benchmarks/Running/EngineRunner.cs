using Projections.Core;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Projections;
using Projections.Core.Runtime;

namespace Projections.Benchmarks.Running;

/// <summary>Runs the real engine over a source until its checkpoint reaches the head, timing start to checkpoint.</summary>
public static class EngineRunner
{
    /// <param name="Cpu">CPU time of the whole process over the run (all engine threads).</param>
    /// <param name="WorkItems">Thread-pool work items completed during the run: each wake-up of an idle partition, reader or flusher is one.</param>
    /// <param name="LockContentions">Times a thread found a lock taken during the run.</param>
    /// <param name="GcPause">Time the runtime paused the process for garbage collection during the run.</param>
    public sealed record Result(TimeSpan Elapsed, TimeSpan Cpu, ProjectionStats Stats, long WorkItems, long LockContentions, TimeSpan GcPause);

    public static async Task<Result> RunToHead(
        IEventSource source, IProjectionStore store, IProjection projection, ProjectionEngineOptions options, CancellationToken ct)
    {
        var head = await source.ReadHeadPosition(ct);
        var clock = CpuClock.Start();
        var workItems = ThreadPool.CompletedWorkItemCount;
        var contentions = Monitor.LockContentionCount;
        var gcPause = GC.GetTotalPauseDuration();
        await using var engine = new ProjectionEngine(source, store, [projection], options);
        await engine.StartAsync(ct);
        var runtime = engine.Find(projection.Name)
            ?? throw new InvalidOperationException($"The engine does not know projection '{projection.Name}'.");
        await WaitForHead(runtime, head, ct);
        var (wall, cpu) = clock.Stop();
        workItems = ThreadPool.CompletedWorkItemCount - workItems;
        contentions = Monitor.LockContentionCount - contentions;
        gcPause = GC.GetTotalPauseDuration() - gcPause;
        var stats = runtime.GetStats();
        await engine.StopAsync(ct);
        return new Result(wall, cpu, stats, workItems, contentions, gcPause);
    }

    /// <summary>Waits for the checkpoint to reach <paramref name="head"/>, failing with the projection's own error if it stops.</summary>
    public static async Task WaitForHead(IProjectionRuntime runtime, GlobalPosition head, CancellationToken ct)
    {
        try
        {
            await runtime.WaitForCheckpoint(head, ct);
        }
        catch (Exception e) when (runtime.Error is not null && e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"Projection '{runtime.Name}' stopped during the benchmark: {runtime.Error.Message}", runtime.Error);
        }
    }
}
