using System.Text.Json;
using PlantTracking.Serialization;
using Projections.Core.Events;
using Projections.Core.Projections;

namespace PlantTracking.Tests.Support;

/// <summary>
/// Drives a projection's handlers through the public <see cref="IProjection"/> API, the way the engine
/// does: serialize the payload, TryGetHandler → Deserialize → CollectKeys / EventTime → Apply.
/// </summary>
public sealed class Harness(IProjection projection)
{
    private ulong _position;

    public IProjection Projection { get; } = projection;

    public static RecordedEvent Recorded(string streamId, string eventType, byte[] data, ulong position) =>
        new(streamId, position, GlobalPosition.Of(position), Guid.NewGuid(), eventType, data, default,
            new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public static byte[] Json<T>(T payload) =>
        JsonSerializer.SerializeToUtf8Bytes(payload, PlantJsonContext.Default.GetTypeInfo(typeof(T))!);

    public Routed Route<T>(string streamId, T payload) => Route(streamId, typeof(T).Name, Json(payload));

    public Routed Route(string streamId, string eventType, byte[] data)
    {
        if (!Projection.TryGetHandler(eventType, out var handler))
            throw new InvalidOperationException($"{Projection.Name} has no handler for {eventType}.");
        var recorded = Recorded(streamId, eventType, data, ++_position);
        var payload = handler.Deserialize(recorded.Data);
        var keys = new List<string>();
        handler.CollectKeys(recorded, handler.NeedsPayloadForRouting ? payload : null, keys);
        var eventTime = handler.EventTime(recorded, handler.NeedsPayloadForRouting ? payload : null);
        return new Routed(handler, recorded, payload, keys, eventTime);
    }

    /// <summary>Applies the event to <paramref name="state"/> under <paramref name="key"/> (default: the event's only key).</summary>
    public (TState State, EventContext Context) Apply<TState, TEvent>(TState state, string streamId, TEvent payload, string? key = null)
        where TState : class
    {
        var routed = Route(streamId, payload);
        var context = HandlerContexts.ForEvent(key ?? routed.Keys.Single(), routed.Recorded, routed.EventTime, routed.EventTime);
        return ((TState)routed.Handler.Apply(state, routed.Payload, context), context);
    }

    public TState Initial<TState>(string key) where TState : class => (TState)Projection.CreateInitialState(key);

    public (TState State, TimeoutContext Context) Timeout<TState>(TState state, string key, DateTimeOffset deadline) where TState : class
    {
        var context = HandlerContexts.ForTimeout(key, deadline, deadline);
        return ((TState)Projection.ApplyTimeout(state, context), context);
    }

    public TState RoundTrip<TState>(TState state) where TState : class =>
        (TState)Projection.DeserializeState(Projection.SerializeState(state));

    public sealed record Routed(IProjectionEventHandler Handler, RecordedEvent Recorded, object Payload, List<string> Keys, DateTimeOffset EventTime);
}
