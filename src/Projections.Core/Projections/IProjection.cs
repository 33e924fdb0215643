using System.Buffers;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Core.Projections;

/// <summary>
/// The engine's view of a projection. Users derive from <see cref="Projection{TState}"/> instead of
/// implementing this.
/// </summary>
public interface IProjection
{
    string Name { get; }
    /// <summary>Streams and event types this projection reads (event types: the ones it handles).</summary>
    EventFilter Filter { get; }
    PoisonEventPolicy PoisonPolicy { get; }
    IReadOnlyList<IndexDefinition> Indexes { get; }
    /// <summary>Fields of the state that the live entity browser can filter on.</summary>
    IReadOnlyList<ProjectionField> Fields { get; }
    bool HasTimeoutHandler { get; }
    /// <summary>When finished aggregates leave memory; null keeps every aggregate until evicted.</summary>
    RetirementRule? Retirement => null;
    Type StateType { get; }

    bool TryGetHandler(string eventType, out IProjectionEventHandler handler);
    object CreateInitialState(string key);
    object ApplyTimeout(object state, TimeoutContext context);
    byte[] SerializeState(object state);
    /// <summary>
    /// Appends exactly the bytes <see cref="SerializeState(object)"/> returns to <paramref name="output"/>. The
    /// flusher serializes a flush's documents into one reused buffer, so it allocates no array per document.
    /// </summary>
    void SerializeState(object state, IBufferWriter<byte> output) => output.Write(SerializeState(state));
    object DeserializeState(ReadOnlyMemory<byte> json);
}

/// <summary>The engine's view of one event type's handler.</summary>
public interface IProjectionEventHandler
{
    string EventType { get; }
    /// <summary>True when the key or the event time comes from the payload, so the reader must deserialize before routing.</summary>
    bool NeedsPayloadForRouting { get; }
    object Deserialize(ReadOnlyMemory<byte> data);
    /// <summary>Adds the keys of the aggregates this event applies to (usually one). <paramref name="payload"/> is set when <see cref="NeedsPayloadForRouting"/>.</summary>
    void CollectKeys(RecordedEvent e, object? payload, List<string> keys);
    /// <summary>The event's time for stream time. <paramref name="payload"/> is set when <see cref="NeedsPayloadForRouting"/>.</summary>
    DateTimeOffset EventTime(RecordedEvent e, object? payload);
    object Apply(object state, object payload, EventContext context);
}

/// <summary>A named value read from the state, for filtering live entities and for store indexes.</summary>
public sealed record ProjectionField(string Name, Func<object, string?> Read);
