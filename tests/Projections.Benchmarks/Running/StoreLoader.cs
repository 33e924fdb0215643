using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Projections;

namespace Projections.Benchmarks.Running;

/// <summary>Copies a workload's events into another store in the same global order, so every variant reads identical events.</summary>
public static class StoreLoader
{
    private const int RequestsPerAppend = 500;

    /// <param name="streamSuffix">Appended to every stream id, so a copy into a shared server makes streams of its own.</param>
    public static async Task CopyInto(IEventStore target, IReadOnlyList<RecordedEvent> events, CancellationToken ct, string streamSuffix = "")
    {
        var batch = new List<AppendRequest>(RequestsPerAppend);
        var i = 0;
        while (i < events.Count)
        {
            // Consecutive events of one stream go in one request; the requests keep the global order.
            var stream = events[i].StreamId;
            var run = new List<EventData>();
            while (i < events.Count && events[i].StreamId == stream) run.Add(ToEventData(events[i++]));
            batch.Add(new AppendRequest(stream + streamSuffix, ExpectedRevision.Any, run));
            if (batch.Count == RequestsPerAppend) { await target.AppendMany(batch, ct); batch = new List<AppendRequest>(RequestsPerAppend); }
        }
        if (batch.Count > 0) await target.AppendMany(batch, ct);
    }

    public static EventData ToEventData(RecordedEvent e) => new(e.EventId, e.EventType, e.Data, e.Metadata);

    /// <summary>Events in the store that <paramref name="projection"/> handles (on a shared server, more than one workload's).</summary>
    public static async Task<long> CountHandled(IEventSource source, IProjection projection, CancellationToken ct)
    {
        long count = 0;
        await foreach (var e in source.ReadAllForward(null, projection.Filter, ct))
            if (projection.Filter.Matches(e.StreamId, e.EventType) && projection.TryGetHandler(e.EventType, out _)) count++;
        return count;
    }

    public static async Task<IReadOnlyList<RecordedEvent>> ReadAll(IEventSource source, CancellationToken ct)
    {
        var events = new List<RecordedEvent>();
        await foreach (var e in source.ReadAllForward(null, EventFilter.All, ct)) events.Add(e);
        return events;
    }
}
