using Projections.Core.Events;
using Projections.Core.Projections;

namespace Projections.Core.Pipeline;

/// <summary>
/// Which handler an event goes to, and its keys and event time: shared by the reader and the reference
/// fold so the two cannot disagree on what an event means.
/// </summary>
internal static class EventRouting
{
    /// <summary>False for events the projection skips by design (filtered out or no handler).</summary>
    public static bool TryGetHandler(IProjection projection, RecordedEvent e, out IProjectionEventHandler handler)
    {
        handler = null!;
        return projection.Filter.Matches(e.StreamId, e.EventType) && projection.TryGetHandler(e.EventType, out handler);
    }

    /// <summary>
    /// Fills <paramref name="keys"/> and returns the event time, deserializing the payload only when
    /// routing needs it. Throws for an undeserializable payload, a failing key selector or an empty key.
    /// </summary>
    public static DateTimeOffset Route(IProjectionEventHandler handler, RecordedEvent e, List<string> keys, out object? payload)
    {
        payload = handler.NeedsPayloadForRouting ? handler.Deserialize(e.Data) : null;
        keys.Clear();
        handler.CollectKeys(e, payload, keys);
        foreach (var key in keys)
            if (string.IsNullOrEmpty(key)) throw new InvalidOperationException("The aggregate key of the event is null or empty.");
        return handler.EventTime(e, payload);
    }
}
