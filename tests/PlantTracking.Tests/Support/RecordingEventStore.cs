using System.Runtime.CompilerServices;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace PlantTracking.Tests.Support;

/// <summary>
/// A test double that records appends in memory and checks expected revisions like a real store would.
/// It can read back what it recorded but cannot subscribe: it is a recorder, not an event store.
/// </summary>
public sealed class RecordingEventStore : IEventStore
{
    private readonly Lock _lock = new();
    private readonly List<RecordedEvent> _all = [];
    private readonly Dictionary<string, ulong> _lastRevision = new(StringComparer.Ordinal);

    public string Description => "recorder";

    /// <summary>Every AppendMany call as received.</summary>
    public List<IReadOnlyList<AppendRequest>> Calls { get; } = [];

    public IReadOnlyList<RecordedEvent> Events { get { lock (_lock) return _all.ToList(); } }

    public Task<AppendResult> Append(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(AppendLocked(new AppendRequest(streamId, expected, events)));
    }

    /// <summary>The next this many AppendMany calls fail as if the server were restarting, writing nothing.</summary>
    public int UnavailableCalls { get; set; }

    public Task<IReadOnlyList<AppendResult>> AppendMany(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            Calls.Add(requests);
            if (UnavailableCalls > 0)
            {
                UnavailableCalls--;
                throw new EventStoreUnavailableException("recorder: server restarting");
            }
            return Task.FromResult<IReadOnlyList<AppendResult>>(requests.Select(AppendLocked).ToList());
        }
    }

    private AppendResult AppendLocked(AppendRequest request)
    {
        var exists = _lastRevision.TryGetValue(request.StreamId, out var last);
        var ok = request.Expected.Type switch
        {
            ExpectedRevision.Kind.Any => true,
            ExpectedRevision.Kind.NoStream => !exists,
            ExpectedRevision.Kind.StreamExists => exists,
            _ => exists && last == request.Expected.Revision,
        };
        if (!ok) throw new WrongExpectedVersionException(request.StreamId, request.Expected, exists ? last : null);

        var revision = exists ? last + 1 : 0;
        foreach (var e in request.Events)
        {
            var position = GlobalPosition.Of((ulong)_all.Count + 1);
            _all.Add(new RecordedEvent(request.StreamId, revision++, position, e.EventId, e.EventType, e.Data.ToArray(), e.Metadata, DateTimeOffset.UnixEpoch));
        }
        _lastRevision[request.StreamId] = revision - 1;
        return new AppendResult(revision - 1, GlobalPosition.Of((ulong)_all.Count));
    }

    public IAsyncEnumerable<SubscriptionMessage> Subscribe(GlobalPosition? after, EventFilter filter, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The recorder cannot subscribe; use a real event store.");

    public Task<GlobalPosition> ReadHeadPosition(CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(_all.Count == 0 ? GlobalPosition.Start : _all[^1].Position);
    }

    public async IAsyncEnumerable<RecordedEvent> ReadStreamForward(string streamId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var e in Events.Where(e => e.StreamId == streamId)) yield return e;
    }

    public async IAsyncEnumerable<RecordedEvent> ReadAllForward(GlobalPosition? after, EventFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask;
        foreach (var e in Events.Where(e => (after is null || e.Position > after.Value) && filter.Matches(e.StreamId, e.EventType)))
            yield return e;
    }
}
