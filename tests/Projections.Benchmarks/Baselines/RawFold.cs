using Projections.Core.Projections;

namespace Projections.Benchmarks.Baselines;

/// <summary>
/// The physical limit of a projection on one core: a plain loop folding already-deserialized events
/// into a dictionary with the projection's own handlers. No channels, no persistence, no timers.
/// </summary>
public static class RawFold
{
    public static Dictionary<string, object> Run(IProjection projection, PreparedEvent[] events) => Fold(projection, events, deserialize: false);

    /// <summary>The same fold, deserializing each payload inside the loop (what any projector must pay once).</summary>
    public static Dictionary<string, object> RunDeserializing(IProjection projection, PreparedEvent[] events) => Fold(projection, events, deserialize: true);

    /// <summary>
    /// The deserializing fold, then every aggregate's final state serialized once: the least any projector
    /// that persists state pays (a coalescing one writes each aggregate at least once). Returns the bytes.
    /// </summary>
    public static long RunDeserializingAndSerializing(IProjection projection, PreparedEvent[] events)
    {
        long bytes = 0;
        foreach (var state in Fold(projection, events, deserialize: true).Values) bytes += projection.SerializeState(state).Length;
        return bytes;
    }

    private static Dictionary<string, object> Fold(IProjection projection, PreparedEvent[] events, bool deserialize)
    {
        var states = new Dictionary<string, object>(StringComparer.Ordinal);
        var context = new EventContext();
        var keys = new List<string>(4);
        var streamTime = DateTimeOffset.MinValue;
        foreach (var (e, handler, prepared) in events)
        {
            var payload = deserialize ? handler.Deserialize(e.Data) : prepared;
            keys.Clear();
            handler.CollectKeys(e, payload, keys);
            var eventTime = handler.EventTime(e, payload);
            if (eventTime > streamTime) streamTime = eventTime;
            foreach (var key in keys)
            {
                if (!states.TryGetValue(key, out var state)) state = projection.CreateInitialState(key);
                EventContextAccess.Reset(context, key, e, eventTime, streamTime);
                states[key] = handler.Apply(state, payload, context);
            }
        }
        return states;
    }
}
