using Projections.Core.Events;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>
/// A ring of the last events applied to one aggregate; stores structs so applying allocates nothing once
/// it is full. Slots are allocated on demand (1, 2, 4, ... up to the capacity): most aggregates of a
/// large working set see only a few events while in memory (docs/performance.md, scenario 4).
/// The partition adds, web threads read; both under the ring's own lock (uncontended on the hot path).
/// </summary>
internal sealed class RecentEvents(int capacity)
{
    private Item[] _items = [];
    private int _next, _count;

    public void Add(string eventType, string streamId, ulong revision, GlobalPosition position, DateTimeOffset time, long version)
    {
        lock (this) AddLocked(new Item(eventType, streamId, revision, position, time, version));
    }

    private void AddLocked(Item item)
    {
        if (_count == _items.Length && _count < capacity) Grow();
        _items[_next] = item;
        _next = (_next + 1) % _items.Length;
        if (_count < _items.Length) _count++;
    }

    /// <summary>Only while not yet wrapped: the items sit in order at 0..count-1.</summary>
    private void Grow()
    {
        var grown = new Item[Math.Min(capacity, Math.Max(1, _items.Length * 2))];
        Array.Copy(_items, grown, _count);
        _items = grown;
        _next = _count;
    }

    /// <summary>Most recent first, up to <paramref name="maxVersion"/>: the ring may already hold an event of a newer snapshot than the caller's.</summary>
    public IReadOnlyList<AppliedEvent> ToList(long maxVersion)
    {
        lock (this)
        {
            var list = new List<AppliedEvent>(_count);
            for (var i = 0; i < _count; i++)
            {
                var it = _items[(_next - 1 - i + _items.Length) % _items.Length];
                if (it.Version <= maxVersion) list.Add(new AppliedEvent(it.EventType, it.StreamId, it.Revision, it.Position, it.Time, it.Version));
            }
            return list;
        }
    }

    private readonly record struct Item(string EventType, string StreamId, ulong Revision, GlobalPosition Position, DateTimeOffset Time, long Version);
}
