using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Benchmarks.Backends;

/// <summary>
/// A view of a server connection owned by its factory: scenarios may dispose what they were given,
/// and this view, not being disposable, leaves the connection open for the next scenario. It starts
/// after <paramref name="start"/> (the end of $all when it was made), so reads and subscriptions from
/// the beginning see this run's events only, not those earlier runs left on the server.
/// </summary>
public sealed class SharedEventStore(IEventStore inner, GlobalPosition? start) : IEventStore
{
    public string Description => inner.Description;

    public IAsyncEnumerable<SubscriptionMessage> Subscribe(GlobalPosition? after, EventFilter filter, CancellationToken ct) => inner.Subscribe(after ?? start, filter, ct);

    public Task<GlobalPosition> ReadHeadPosition(CancellationToken ct) => inner.ReadHeadPosition(ct);

    public IAsyncEnumerable<RecordedEvent> ReadStreamForward(string streamId, CancellationToken ct) => inner.ReadStreamForward(streamId, ct);

    public IAsyncEnumerable<RecordedEvent> ReadAllForward(GlobalPosition? after, EventFilter filter, CancellationToken ct) => inner.ReadAllForward(after ?? start, filter, ct);

    public Task<AppendResult> Append(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken ct) =>
        inner.Append(streamId, expected, events, ct);

    public Task<IReadOnlyList<AppendResult>> AppendMany(IReadOnlyList<AppendRequest> requests, CancellationToken ct) => inner.AppendMany(requests, ct);
}
