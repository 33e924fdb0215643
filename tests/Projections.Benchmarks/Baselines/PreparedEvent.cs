using Projections.Core.Events;
using Projections.Core.Projections;

namespace Projections.Benchmarks.Baselines;

/// <summary>An event the projection handles, with its payload already deserialized.</summary>
public readonly record struct PreparedEvent(RecordedEvent Event, IProjectionEventHandler Handler, object Payload)
{
    /// <summary>Deserializes every handled event up front (outside any timing), in global order.</summary>
    public static PreparedEvent[] Prepare(IProjection projection, IReadOnlyList<RecordedEvent> events)
    {
        var prepared = new List<PreparedEvent>(events.Count);
        foreach (var e in events)
        {
            if (!projection.Filter.Matches(e.StreamId, e.EventType) || !projection.TryGetHandler(e.EventType, out var handler)) continue;
            prepared.Add(new PreparedEvent(e, handler, handler.Deserialize(e.Data)));
        }
        return prepared.ToArray();
    }
}
