using System.Runtime.CompilerServices;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Sqlite.Events;

/// <summary>
/// A catch-up subscription: pages through the log after the start position, says CaughtUp once it has
/// passed the head that existed when it started, then waits for the in-process append signal or the
/// poll interval (appends by other processes). Scanning past events the filter rejects yields a
/// Checkpoint, so a sparse filter still advances its consumer. Busy/locked reads are retried; it never
/// yields FellBehind (a page read is cheap, so live and catch-up reading are the same loop).
/// </summary>
internal static class SqliteSubscription
{
    public static async IAsyncEnumerable<SubscriptionMessage> Run(
        SqliteDatabase database, AppendSignal signal, SqliteStoreOptions options, GlobalPosition? after, EventFilter filter,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new EventLogReader(database, filter, options.PageSize);
        var position = after is { } a ? checked((long)a.Commit) : 0L;
        var headAtStart = await Patiently(reader.ReadHead, options.PollInterval, cancellationToken);
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
            var head = await Patiently(reader.ReadHead, options.PollInterval, cancellationToken);
            if (head <= position)
            {
                await WaitForAppend(appended, options.PollInterval, cancellationToken);
                continue;
            }

            var from = position;
            var (events, scannedTo) = await Patiently(() => reader.ReadPage(from, head), options.PollInterval, cancellationToken);
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

    /// <summary>The subscription outlives a writer that keeps the file locked beyond the busy timeout: it waits and reads again.</summary>
    private static async Task<T> Patiently<T>(Func<T> read, TimeSpan pause, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return read();
            }
            catch (EventStoreUnavailableException)
            {
                await Task.Delay(pause, cancellationToken);
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
