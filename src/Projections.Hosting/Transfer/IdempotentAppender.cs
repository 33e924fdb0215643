using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Hosting.Transfer;

/// <summary>
/// Appends events in batches, skipping those whose id the stream already holds: each stream is read
/// once (its ids and revision), then appended to at its exact revision, so an import can be repeated
/// and a concurrent writer is detected instead of interleaved.
/// </summary>
internal sealed class IdempotentAppender(IEventStore store)
{
    private readonly Dictionary<string, (ExpectedRevision Revision, HashSet<Guid> Ids)> _streams = new(StringComparer.Ordinal);

    public long Appended { get; private set; }
    public long AlreadyPresent { get; private set; }

    /// <summary>Appends the batch in its order (a run of events of one stream is one atomic request).</summary>
    public async Task Append(IReadOnlyList<(string Stream, EventData Event)> batch, CancellationToken cancellationToken)
    {
        var requests = new List<AppendRequest>();
        foreach (var (stream, e) in batch)
        {
            var (revision, ids) = await Known(stream, cancellationToken);
            if (!ids.Add(e.EventId))
            {
                AlreadyPresent++;
                continue;
            }
            if (requests.Count > 0 && requests[^1].StreamId == stream)
                ((List<EventData>)requests[^1].Events).Add(e);
            else
                requests.Add(new AppendRequest(stream, revision, new List<EventData> { e }));
            // The stream's next expected revision once this event is in.
            _streams[stream] = (ExpectedRevision.Exact(revision.Type == ExpectedRevision.Kind.Exact ? revision.Revision + 1 : 0), ids);
        }
        if (requests.Count == 0) return;
        await store.AppendMany(requests, cancellationToken);
        Appended += requests.Sum(r => r.Events.Count);
    }

    private async Task<(ExpectedRevision, HashSet<Guid>)> Known(string stream, CancellationToken cancellationToken)
    {
        if (_streams.TryGetValue(stream, out var known)) return known;
        var ids = new HashSet<Guid>();
        ulong? last = null;
        await foreach (var e in store.ReadStreamForward(stream, cancellationToken))
        {
            ids.Add(e.EventId);
            last = e.StreamRevision;
        }
        known = (last is { } r ? ExpectedRevision.Exact(r) : ExpectedRevision.NoStream, ids);
        _streams[stream] = known;
        return known;
    }
}
