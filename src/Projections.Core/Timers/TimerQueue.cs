namespace Projections.Core.Timers;

/// <summary>
/// Pending aggregate timeouts ordered by deadline. Entries are never removed early: a popped entry is
/// stale when the aggregate's current deadline differs, which the caller checks.
/// </summary>
internal sealed class TimerQueue
{
    private readonly PriorityQueue<string, DateTimeOffset> _heap = new();

    public int Count => _heap.Count;

    public void Arm(string key, DateTimeOffset deadline) => _heap.Enqueue(key, deadline);

    /// <summary>Takes the earliest timer if its deadline is at or below <paramref name="streamTime"/>.</summary>
    public bool TryTakeDue(DateTimeOffset streamTime, out string key, out DateTimeOffset deadline)
    {
        if (_heap.TryPeek(out key!, out deadline) && deadline <= streamTime)
        {
            _heap.Dequeue();
            return true;
        }
        return false;
    }
}
