using Projections.Core.Events;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>
/// A ring of the last events applied to one aggregate, kept inline in its <see cref="AggregateEntry"/>
/// (no object of its own) and storing structs, so applying allocates nothing once it is full. Slots are
/// allocated on demand (1, 2, 4, ... up to the capacity): most aggregates of a large working set see
/// only a few events while in memory (docs/performance.md, scenario 4). Every version of the aggregate
/// is added in order, so a slot's version is the newest version minus its age and is not stored.
/// Not thread-safe: the owner locks around it (the partition adds, web threads read).
/// </summary>
internal struct RecentEvents(int capacity)
{
    private Item[]? _items;
    private long _newestVersion;
    private readonly int _capacity = capacity;
    private int _next, _count;

    public void Add(string eventType, string streamId, ulong revision, GlobalPosition position, DateTimeOffset time, long version)
    {
        if (_capacity == 0) return;
        // Versions arrive consecutively; should one ever not, older slots would get wrong versions: start over.
        if (_count > 0 && version != _newestVersion + 1) _count = _next = 0;
        _items ??= [];
        if (_count == _items.Length && _count < _capacity) Grow();
        _items[_next] = new Item(eventType, streamId, revision, position, time);
        _next = (_next + 1) % _items.Length;
        if (_count < _items.Length) _count++;
        _newestVersion = version;
    }

    /// <summary>Only while not yet wrapped: the items sit in order at 0..count-1.</summary>
    private void Grow()
    {
        var grown = new Item[Math.Min(_capacity, Math.Max(1, _items!.Length * 2))];
        Array.Copy(_items, grown, _count);
        _items = grown;
        _next = _count;
    }

    /// <summary>The newest added stream id when it equals <paramref name="streamId"/>, so slots of one stream share one string.</summary>
    public readonly string Share(string streamId) =>
        _count > 0 && _items![(_next - 1 + _items.Length) % _items.Length].StreamId is { } last && string.Equals(last, streamId, StringComparison.Ordinal)
            ? last
            : streamId;

    /// <summary>Most recent first, up to <paramref name="maxVersion"/>: the ring may already hold an event of a newer snapshot than the caller's.</summary>
    public readonly IReadOnlyList<AppliedEvent> ToList(long maxVersion)
    {
        if (_count == 0) return [];
        var list = new List<AppliedEvent>(_count);
        for (var i = 0; i < _count; i++)
        {
            var version = _newestVersion - i;
            if (version > maxVersion) continue;
            var it = _items![(_next - 1 - i + _items.Length) % _items.Length];
            list.Add(new AppliedEvent(it.EventType, it.StreamId, it.Revision, it.Position, it.Time, version));
        }
        return list;
    }

    private readonly record struct Item(string EventType, string StreamId, ulong Revision, GlobalPosition Position, DateTimeOffset Time);
}
