using Projections.Core.Events;

namespace Projections.Core.Ports;

/// <summary>
/// Where a projection reads events from: a catch-up subscription over the global order.
/// </summary>
public interface IEventSource
{
    /// <summary>A short description for logs and the dashboard, without credentials.</summary>
    string Description { get; }

    /// <summary>
    /// Subscribes to all events after <paramref name="after"/> (exclusive; null = from the very start),
    /// in global order, filtered. Yields <see cref="SubscriptionMessageKind.CaughtUp"/> once the events
    /// written before the call have been delivered, and <see cref="SubscriptionMessageKind.Checkpoint"/>
    /// messages so a sparse filter still advances. The sequence never ends on its own: it runs until
    /// cancelled. Transient failures are retried inside (resuming after the last yielded position);
    /// permanent ones are thrown. When the connection breaks or a read fails, it yields
    /// <see cref="SubscriptionMessageKind.Disconnected"/> before waiting to retry, and
    /// <see cref="SubscriptionMessageKind.CaughtUp"/> again once, after recovering, it has delivered what
    /// was written up to the head it saw then: the consumer counts as live only between a CaughtUp and
    /// the next Disconnected or FellBehind (stream time follows the wall clock only then).
    /// </summary>
    IAsyncEnumerable<SubscriptionMessage> Subscribe(GlobalPosition? after, EventFilter filter, CancellationToken cancellationToken);

    /// <summary>The position of the last event in the store (Start when empty).</summary>
    Task<GlobalPosition> ReadHeadPosition(CancellationToken cancellationToken);

    /// <summary>Reads one stream from its first event. An unknown stream yields nothing.</summary>
    IAsyncEnumerable<RecordedEvent> ReadStreamForward(string streamId, CancellationToken cancellationToken);

    /// <summary>Reads all events after <paramref name="after"/> up to the head at the time of the call, then ends.</summary>
    IAsyncEnumerable<RecordedEvent> ReadAllForward(GlobalPosition? after, EventFilter filter, CancellationToken cancellationToken);
}
