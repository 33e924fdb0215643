using Projections.Core.Events;
using Projections.Core.Ports;

namespace PlantTracking.Simulation;

/// <summary>
/// Collects events and appends them with one <c>AppendMany</c> call: one request per stream (events of a
/// stream keep their order), each with the stream's expected revision, which is then advanced.
/// </summary>
internal sealed class AppendBatcher(IEventStore store, bool anyRevision, Func<Guid> newEventId)
{
    private readonly List<PendingEvent> _events = [];

    public int Count => _events.Count;

    public void Add(PendingEvent e) => _events.Add(e);

    /// <summary>Appends everything collected. Not cancellable, so the revisions the simulator tracks stay true.</summary>
    public async Task<int> Flush()
    {
        if (_events.Count == 0) return 0;
        var byStream = new Dictionary<SimulatedItem, List<EventData>>(ReferenceEqualityComparer.Instance);
        var order = new List<SimulatedItem>();
        foreach (var e in _events)
        {
            if (!byStream.TryGetValue(e.Item, out var list))
            {
                byStream[e.Item] = list = [];
                order.Add(e.Item);
            }
            list.Add(new EventData(newEventId(), e.EventType, e.Data));
        }
        var requests = order.Select(item => new AppendRequest(item.StreamId, Expected(item), byStream[item])).ToList();
        var results = await AppendRetryingOutages(requests).ConfigureAwait(false);
        if (results.Count != requests.Count)
            throw new InvalidOperationException($"The event store answered {results.Count} results for {requests.Count} append requests.");
        for (var i = 0; i < order.Count; i++) order[i].Revision = results[i].NextExpectedRevision;

        var appended = _events.Count;
        _events.Clear();
        return appended;
    }

    /// <summary>
    /// A server restart must not end the workload. Repeating the same requests is safe with exact
    /// revisions: the event ids are the same, EventStoreDB treats the repeat as idempotent and SQLite
    /// appended all or nothing. With "any" revision a repeat could duplicate events, so it is not retried.
    /// </summary>
    private async Task<IReadOnlyList<AppendResult>> AppendRetryingOutages(List<AppendRequest> requests)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        var outage = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await store.AppendMany(requests, CancellationToken.None).ConfigureAwait(false);
            }
            catch (EventStoreUnavailableException) when (!anyRevision && outage.Elapsed < MaxOutage)
            {
                await Task.Delay(delay).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    private static readonly TimeSpan MaxOutage = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private ExpectedRevision Expected(SimulatedItem item) =>
        anyRevision ? ExpectedRevision.Any
        : item.Revision is { } revision ? ExpectedRevision.Exact(revision)
        : ExpectedRevision.NoStream;
}
