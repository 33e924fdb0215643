namespace Projections.Core.Timers;

/// <summary>
/// Pending aggregate timeouts ordered by deadline: one armed deadline per key, kept in a dictionary, and
/// a heap with lazy deletion. Invariant: every armed key has a heap entry at or before its deadline.
/// Moving a deadline later (what a watchdog timeout does on every event) adds no heap entry: the key's
/// earlier entry reaches the top first and is then re-queued at the armed deadline. Moving it earlier
/// adds one; disarming leaves the old one behind as stale. A stale entry is dropped when it reaches the
/// top, and the heap is rebuilt from the armed deadlines when stale entries outnumber the armed ones,
/// so memory is proportional to the armed keys (design.md "Working set larger than memory").
/// </summary>
internal sealed class TimerQueue
{
    private const int CompactionSlack = 1024;
    private readonly Dictionary<string, DateTimeOffset> _armed = new(StringComparer.Ordinal);
    private PriorityQueue<string, DateTimeOffset> _heap = new();

    /// <summary>Keys with an armed deadline.</summary>
    public int Count => _armed.Count;

    /// <summary>Heap entries, stale ones included (at most about twice <see cref="Count"/>).</summary>
    public int HeapSize => _heap.Count;

    public bool TryGetArmed(string key, out DateTimeOffset deadline) => _armed.TryGetValue(key, out deadline);

    /// <summary>Makes <paramref name="deadline"/> the key's one armed deadline.</summary>
    public void Arm(string key, DateTimeOffset deadline)
    {
        var wasArmed = _armed.TryGetValue(key, out var armed);
        if (wasArmed && armed == deadline) return;
        _armed[key] = deadline;
        if (wasArmed && armed < deadline) return; // its entry at or before the old deadline comes up first
        _heap.Enqueue(key, deadline);
        CompactIfMostlyStale();
    }

    public void Disarm(string key)
    {
        if (_armed.Remove(key)) CompactIfMostlyStale();
    }

    /// <summary>Takes (and disarms) the earliest armed timer if its deadline is at or below <paramref name="streamTime"/>.</summary>
    public bool TryTakeDue(DateTimeOffset streamTime, out string key, out DateTimeOffset deadline)
    {
        while (_heap.TryPeek(out key!, out deadline))
        {
            if (!_armed.TryGetValue(key, out var armed) || armed < deadline)
            {
                _heap.Dequeue(); // stale: disarmed, or an earlier entry of the key carries its deadline
                continue;
            }
            if (armed > deadline)
            {
                _heap.DequeueEnqueue(key, armed); // moved later since this entry was queued
                continue;
            }
            if (deadline > streamTime) return false;
            _heap.Dequeue();
            _armed.Remove(key);
            return true;
        }
        return false;
    }

    private void CompactIfMostlyStale()
    {
        if (_heap.Count <= 2 * _armed.Count + CompactionSlack) return;
        _heap = new PriorityQueue<string, DateTimeOffset>(_armed.Select(a => (a.Key, a.Value)));
    }
}
