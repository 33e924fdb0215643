using System.Runtime.CompilerServices;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Core.Tests.Support;

/// <summary>A source that, while <see cref="Down"/>, reports itself unavailable and retries, as the EventStoreDB subscription does during a restart.</summary>
public sealed class FlakySource(IEventSource inner) : IEventSource
{
    private volatile bool _down;
    private int _reports;

    public bool Down { get => _down; set => _down = value; }
    public int Reports => Volatile.Read(ref _reports);
    public string Description => "outage test source";

    public async IAsyncEnumerable<SubscriptionMessage> Subscribe(GlobalPosition? after, EventFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = after;
        while (true)
        {
            while (_down)
            {
                Interlocked.Increment(ref _reports);
                yield return SubscriptionMessage.ForDisconnected(last ?? GlobalPosition.Start, "connection refused", TimeSpan.FromMilliseconds(5));
                await Task.Delay(5, cancellationToken);
            }
            await foreach (var m in inner.Subscribe(last, filter, cancellationToken).ConfigureAwait(false))
            {
                if (m.Kind is SubscriptionMessageKind.Event or SubscriptionMessageKind.Checkpoint) last = m.Position;
                yield return m;
                if (_down) break; // the connection drops: resubscribe after the last position delivered
            }
        }
    }

    public Task<GlobalPosition> ReadHeadPosition(CancellationToken cancellationToken) => inner.ReadHeadPosition(cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadStreamForward(string streamId, CancellationToken cancellationToken) => inner.ReadStreamForward(streamId, cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadAllForward(GlobalPosition? after, EventFilter filter, CancellationToken cancellationToken) =>
        inner.ReadAllForward(after, filter, cancellationToken);
}
