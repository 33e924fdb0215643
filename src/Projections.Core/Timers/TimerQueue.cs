namespace Projections.Core.Timers;

/// <summary>
/// Pending aggregate timeouts ordered by deadline. Entries are never removed early: a popped entry is
/// stale when the aggregate's current deadline differs, which the caller checks. Arming a key that
/// already has an earlier deadline pending adds nothing (an aggregate that reschedules on every event
/// would otherwise leave one entry per event); the caller re-arms the later deadline when that earlier
/// entry pops stale, see <see cref="RearmIfLater"/>.
/// </summary>
internal sealed class TimerQueue
{
    private readonly PriorityQueue<string, DateTimeOffset> _heap = new();
    private readonly Dictionary<string, DateTimeOffset> _earliest = new(StringComparer.Ordinal);

    public int Count => _heap.Count;

    public void Arm(string key, DateTimeOffset deadline)
    {
        if (_earliest.TryGetValue(key, out var pending) && pending <= deadline) return;
        _earliest[key] = deadline;
        _heap.Enqueue(key, deadline);
    }

    /// <summary>For a popped stale entry: the aggregate's current deadline is later, and its arm may have been folded into the popped one.</summary>
    public void RearmIfLater(string key, DateTimeOffset popped, DateTimeOffset? current)
    {
        if (current is { } deadline && deadline > popped) Arm(key, deadline);
    }

    /// <summary>Takes the earliest timer if its deadline is at or below <paramref name="streamTime"/>.</summary>
    public bool TryTakeDue(DateTimeOffset streamTime, out string key, out DateTimeOffset deadline)
    {
        if (_heap.TryPeek(out key!, out deadline) && deadline <= streamTime)
        {
            _heap.Dequeue();
            if (_earliest.TryGetValue(key, out var earliest) && earliest == deadline) _earliest.Remove(key);
            return true;
        }
        return false;
    }
}
