namespace Projections.Core.Events;

/// <summary>An event as read from the event store, payload still serialized.</summary>
public sealed class RecordedEvent(
    string streamId,
    ulong streamRevision,
    GlobalPosition position,
    Guid eventId,
    string eventType,
    ReadOnlyMemory<byte> data,
    ReadOnlyMemory<byte> metadata,
    DateTimeOffset created)
{
    public string StreamId { get; } = streamId;
    /// <summary>The event number within its stream, starting at 0.</summary>
    public ulong StreamRevision { get; } = streamRevision;
    public GlobalPosition Position { get; } = position;
    public Guid EventId { get; } = eventId;
    public string EventType { get; } = eventType;
    /// <summary>UTF-8 JSON payload.</summary>
    public ReadOnlyMemory<byte> Data { get; } = data;
    public ReadOnlyMemory<byte> Metadata { get; } = metadata;
    /// <summary>When the store recorded the event.</summary>
    public DateTimeOffset Created { get; } = created;

    public override string ToString() => $"{EventType} {StreamId}@{StreamRevision} (position {Position})";
}
