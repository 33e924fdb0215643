using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Core.Pipeline;

/// <summary>
/// A flush point at global position <see cref="Position"/> (design.md invariant 2): every partition
/// hands over its dirty aggregates after everything before the barrier and before anything after it.
/// </summary>
internal sealed class Barrier(GlobalPosition? position, DateTimeOffset streamTime, long dispatchedEvents, long dispatchedBytes, bool caughtUp, int partitions)
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining = partitions;

    /// <summary>The last position the reader handled before the barrier; null when it has read nothing yet.</summary>
    public GlobalPosition? Position { get; } = position;
    public DateTimeOffset StreamTime { get; } = streamTime;
    /// <summary>Events and payload bytes dispatched before the barrier (for the unflushed window).</summary>
    public long DispatchedEvents { get; } = dispatchedEvents;
    public long DispatchedBytes { get; } = dispatchedBytes;
    /// <summary>The reader had delivered everything that existed when it subscribed.</summary>
    public bool CaughtUp { get; } = caughtUp;
    public PartitionHandover?[] Handovers { get; } = new PartitionHandover?[partitions];
    public Task Completed => _done.Task;

    public void HandOver(int partition, PartitionHandover handover)
    {
        Handovers[partition] = handover;
        if (Interlocked.Decrement(ref _remaining) == 0) _done.TrySetResult();
    }
}

/// <summary>One partition's part of a barrier: its dirty aggregates and parked events at that instant.</summary>
internal sealed record PartitionHandover(IReadOnlyList<DirtySnapshot> Dirty, IReadOnlyList<DeadLetter> Parked);

/// <summary>An aggregate as it was at the barrier. Snapshots are immutable, so the reference is the copy.</summary>
internal readonly record struct DirtySnapshot(AggregateEntry Entry, AggregateSnapshot Snapshot);
