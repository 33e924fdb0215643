using System.Runtime.CompilerServices;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Sqlite.Events;

/// <summary>
/// A catch-up subscription: pages through the log after the start position, says CaughtUp once it has
/// passed the head that existed when it started, then waits for the in-process append signal or the
/// poll interval (appends by other processes). Scanning past events the filter rejects yields a
/// Checkpoint, so a sparse filter still advances its consumer.
/// </summary>
internal static class SqliteSubscription
{
    public static async IAsyncEnumerable<SubscriptionMessage> Run(
        SqliteDatabase database, AppendSignal signal, SqliteStoreOptions options, GlobalPosition? after, EventFilter filter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new EventLogReader(database, filter, options.PageSize);
        var position = after is { } a ? checked((long)a.Commit) : 0L;
        var headAtStart = reader.ReadHead();
        var caughtUp = false;
        if (position >= headAtStart)
        {
            caughtUp = true;
            yield return SubscriptionMessage.ForCaughtUp(GlobalPosition.Of((ulong)position));
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var appended = signal.Next;
            var head = reader.ReadHead();
            if (head <= position)
            {
                await WaitForAppend(appended, options.PollInterval, cancellationToken);
                continue;
            }

            var (events, scannedTo) = reader.ReadPage(position, head);
            foreach (var e in events) yield return SubscriptionMessage.ForEvent(e);
            var lastEvent = events.Count > 0 ? (long)events[^1].Position.Commit : position;
            position = scannedTo;
            if (scannedTo > lastEvent) yield return SubscriptionMessage.ForCheckpoint(GlobalPosition.Of((ulong)scannedTo));
            if (!caughtUp && position >= headAtStart)
            {
                caughtUp = true;
                yield return SubscriptionMessage.ForCaughtUp(GlobalPosition.Of((ulong)position));
            }
        }
    }

    private static async Task WaitForAppend(Task appended, TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        // Polling uses the real clock on purpose: a fake TimeProvider injected for event timestamps must not freeze delivery.
        using var stopDelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(appended, Task.Delay(pollInterval, stopDelay.Token));
        stopDelay.Cancel();
        cancellationToken.ThrowIfCancellationRequested();
    }
}
