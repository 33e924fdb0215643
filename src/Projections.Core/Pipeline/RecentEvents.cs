using Projections.Core.Events;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>A fixed-size ring of the last events applied to one aggregate; stores structs so applying allocates nothing.</summary>
internal sealed class RecentEvents(int capacity)
{
    private readonly Item[] _items = new Item[capacity];
    private int _next, _count;

    public void Add(string eventType, string streamId, ulong revision, GlobalPosition position, DateTimeOffset time, long version)
    {
        _items[_next] = new Item(eventType, streamId, revision, position, time, version);
        _next = (_next + 1) % _items.Length;
        if (_count < _items.Length) _count++;
    }

    /// <summary>Most recent first.</summary>
    public IReadOnlyList<AppliedEvent> ToList()
    {
        var list = new AppliedEvent[_count];
        for (var i = 0; i < _count; i++)
        {
            var it = _items[(_next - 1 - i + _items.Length) % _items.Length];
            list[i] = new AppliedEvent(it.EventType, it.StreamId, it.Revision, it.Position, it.Time, it.Version);
        }
        return list;
    }

    private readonly record struct Item(string EventType, string StreamId, ulong Revision, GlobalPosition Position, DateTimeOffset Time, long Version);
}
