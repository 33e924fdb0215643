using System.Runtime.CompilerServices;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Sqlite.Events;

/// <summary>
/// A catch-up subscription: pages through the log after the start position, says CaughtUp once it has
/// passed the head that existed when it started, then waits for the in-process append signal or the
/// poll interval (appends by other processes). Scanning past events the filter rejects yields a
/// Checkpoint, so a sparse filter still advances its consumer. A busy/locked read yields Disconnected
/// and is retried; once reads work again, CaughtUp follows when the head read then is reached. It never
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
        var connected = true;
        long? catchUpTo = null; // the head to reach before saying CaughtUp; null once said
        var catchUpToNextHead = true;

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var appended = signal.Next;
            var head = TryRead(reader.ReadHead);
            if (head.Succeeded && catchUpToNextHead)
            {
                catchUpTo = head.Value;
                catchUpToNextHead = false;
            }
            var page = head.Succeeded && head.Value > position ? TryRead(() => reader.ReadPage(position, head.Value)) : default;
            if (!head.Succeeded || (head.Value > position && !page.Succeeded))
            {
                if (connected) yield return SubscriptionMessage.ForDisconnected(GlobalPosition.Of((ulong)position), head.Error ?? page.Error ?? "read failed", options.PollInterval);
                connected = false;
                catchUpTo = null;
                catchUpToNextHead = true;
                await Task.Delay(options.PollInterval, cancellationToken);
                continue;
            }
            connected = true;

            if (page.Succeeded)
            {
                var (events, scannedTo) = page.Value;
                foreach (var e in events) yield return SubscriptionMessage.ForEvent(e);
                var lastEvent = events.Count > 0 ? (long)events[^1].Position.Commit : position;
                position = scannedTo;
                if (scannedTo > lastEvent) yield return SubscriptionMessage.ForCheckpoint(GlobalPosition.Of((ulong)scannedTo));
            }
            if (catchUpTo is { } target && position >= target)
            {
                catchUpTo = null;
                yield return SubscriptionMessage.ForCaughtUp(GlobalPosition.Of((ulong)position));
            }
            if (head.Value <= position) await WaitForAppend(appended, options.PollInterval, cancellationToken);
        }
    }

    private readonly record struct Read<T>(bool Succeeded, T Value, string? Error = null);

    /// <summary>A busy or locked file (a writer holding it beyond the busy timeout) is a failed read to retry, not an error.</summary>
    private static Read<T> TryRead<T>(Func<T> read)
    {
        try
        {
            return new Read<T>(true, read());
        }
        catch (EventStoreUnavailableException e)
        {
            return new Read<T>(false, default!, e.Message);
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
