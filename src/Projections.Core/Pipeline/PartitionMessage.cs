using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Projections;

namespace Projections.Core.Pipeline;

internal enum PartitionMessageKind { Apply, Tick, Barrier, Park }

/// <summary>What the reader sends a partition. Every message carries the stream time at its point of the global order.</summary>
internal readonly struct PartitionMessage
{
    public PartitionMessageKind Kind { get; private init; }
    public DateTimeOffset StreamTime { get; private init; }
    public string? Key { get; private init; }
    public RecordedEvent? Event { get; private init; }
    public IProjectionEventHandler? Handler { get; private init; }
    public object? Payload { get; private init; }
    public DateTimeOffset EventTime { get; private init; }
    public Barrier? Barrier { get; private init; }
    public DeadLetter? Parked { get; private init; }

    public static PartitionMessage Apply(string key, RecordedEvent e, IProjectionEventHandler handler, object? payload, DateTimeOffset eventTime, DateTimeOffset streamTime) =>
        new() { Kind = PartitionMessageKind.Apply, Key = key, Event = e, Handler = handler, Payload = payload, EventTime = eventTime, StreamTime = streamTime };

    public static PartitionMessage Tick(DateTimeOffset streamTime) => new() { Kind = PartitionMessageKind.Tick, StreamTime = streamTime };

    public static PartitionMessage ForBarrier(Barrier barrier) => new() { Kind = PartitionMessageKind.Barrier, Barrier = barrier, StreamTime = barrier.StreamTime };

    public static PartitionMessage Park(DeadLetter letter, DateTimeOffset streamTime) => new() { Kind = PartitionMessageKind.Park, Parked = letter, StreamTime = streamTime };
}
