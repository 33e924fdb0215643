using Projections.Core.Events;

namespace Projections.EventStoreDb.Operations;

/// <summary>
/// Checks appends before they reach the wire. A request the protocol cannot carry (no stream id, an event without a type)
/// would otherwise throw while the shared BatchAppend call is being written, ending that call for every caller's appends
/// and coming back as a transient failure after retries. Here it fails its own caller at once, naming what was wrong.
/// </summary>
internal static class AppendValidation
{
    public static void Validate(IReadOnlyList<AppendRequest> requests)
    {
        for (var r = 0; r < requests.Count; r++)
        {
            var request = requests[r] ?? throw new ArgumentException($"Append request {r} is null.", nameof(requests));
            Validate(request.StreamId, request.Events, $"Append request {r}");
        }
    }

    public static void Validate(string streamId, IReadOnlyList<EventData> events, string what = "The append")
    {
        if (string.IsNullOrEmpty(streamId)) throw new ArgumentException($"{what} has no stream id.", nameof(streamId));
        if (events is null) throw new ArgumentException($"{what} to stream '{streamId}' has no event list.", nameof(events));
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i] ?? throw new ArgumentException($"{what} to stream '{streamId}': event {i} is null.", nameof(events));
            if (string.IsNullOrEmpty(e.EventType))
                throw new ArgumentException($"{what} to stream '{streamId}': event {i} ({e.EventId}) has no event type.", nameof(events));
        }
    }
}
