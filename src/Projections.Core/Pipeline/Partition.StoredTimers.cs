using Projections.Core.Ports;

namespace Projections.Core.Pipeline;

/// <summary>
/// Timers of aggregates that are not in memory stay in the store (every document carries its deadline)
/// and are read from it, in (deadline, key) order, when stream time reaches them (design.md "Working set
/// larger than memory"). Invariant: every aggregate not in memory whose stored (deadline, key) is at or
/// before the cursor is armed here or has fired; later ones are only in the store.
/// </summary>
internal sealed partial class Partition
{
    private const int TimeoutPageSize = 64;
    private StoredTimeout? _timeoutCursor;
    private bool _storeMayHoldLaterTimers;
    /// <summary>No stored timer beyond the cursor is due before this (a lower bound).</summary>
    private DateTimeOffset _nextStoredDeadline = DateTimeOffset.MinValue;
    private DateTimeOffset _firingUpTo = DateTimeOffset.MinValue;

    private DateTimeOffset CursorDeadline => _timeoutCursor?.TimeoutAt ?? DateTimeOffset.MinValue;

    /// <summary>Before the worker starts: persisted aggregates stay on disk, and so do their timers.</summary>
    public void TimersStayInStore()
    {
        _storeMayHoldLaterTimers = true;
        _nextStoredDeadline = DateTimeOffset.MinValue;
    }

    /// <summary>
    /// An evicted aggregate's timer leaves memory unless the cursor has passed its deadline or it is due
    /// now (evicted while due timers fire: it must still fire before the event being handled).
    /// </summary>
    private void TimerEvicted(AggregateEntry entry)
    {
        if (entry.Current.TimeoutAt is not { } deadline || deadline <= CursorDeadline || deadline <= _firingUpTo) return;
        _timers.Disarm(entry.Key);
        _nextStoredDeadline = _storeMayHoldLaterTimers && _nextStoredDeadline < deadline ? _nextStoredDeadline : deadline;
        _storeMayHoldLaterTimers = true;
    }

    /// <summary>Arms the stored timers due by <paramref name="streamTime"/> of aggregates of this partition that are not in memory.</summary>
    /// <remarks>Runs before every event: the common case (nothing to page in) returns before the store call's closure exists.</remarks>
    private ValueTask PageInStoredTimers(DateTimeOffset streamTime, CancellationToken ct)
    {
        if (streamTime > _firingUpTo) _firingUpTo = streamTime;
        return _storeMayHoldLaterTimers && streamTime >= _nextStoredDeadline ? PageIn(streamTime, ct) : ValueTask.CompletedTask;
    }

    private async ValueTask PageIn(DateTimeOffset streamTime, CancellationToken ct)
    {
        var p = _pipeline;
        while (_storeMayHoldLaterTimers && streamTime >= _nextStoredDeadline)
        {
            var after = _timeoutCursor;
            var page = await StoreRetry.Run(c => p.Store.LoadTimeouts(p.Name, p.Generation, after, TimeoutPageSize, c),
                "Loading stored timers", p, ct).ConfigureAwait(false);
            foreach (var t in page)
            {
                if (t.TimeoutAt > streamTime)
                {
                    _nextStoredDeadline = t.TimeoutAt;
                    return;
                }
                if (p.Owns(t.Key) && p.PartitionOf(t.Key) == this && !_entries.ContainsKey(t.Key)) _timers.Arm(t.Key, t.TimeoutAt);
                _timeoutCursor = t;
            }
            if (page.Count < TimeoutPageSize) _storeMayHoldLaterTimers = false;
        }
    }
}
