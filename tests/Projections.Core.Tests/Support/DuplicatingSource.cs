using System.Runtime.CompilerServices;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Core.Tests.Support;

/// <summary>A source that delivers some events twice, as an at-least-once subscription may after a reconnect.</summary>
public sealed class DuplicatingSource(IEventSource inner, Random random) : IEventSource
{
    public string Description => inner.Description;

    public async IAsyncEnumerable<SubscriptionMessage> Subscribe(GlobalPosition? after, EventFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var m in inner.Subscribe(after, filter, cancellationToken).ConfigureAwait(false))
        {
            yield return m;
            bool again;
            lock (random) again = m.Kind == SubscriptionMessageKind.Event && random.Next(5) == 0;
            if (again) yield return m;
        }
    }

    public Task<GlobalPosition> ReadHeadPosition(CancellationToken cancellationToken) => inner.ReadHeadPosition(cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadStreamForward(string streamId, CancellationToken cancellationToken) => inner.ReadStreamForward(streamId, cancellationToken);

    public IAsyncEnumerable<RecordedEvent> ReadAllForward(GlobalPosition? after, EventFilter filter, CancellationToken cancellationToken) =>
        inner.ReadAllForward(after, filter, cancellationToken);
}
