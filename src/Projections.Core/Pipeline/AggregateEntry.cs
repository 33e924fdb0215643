using Projections.Core.Events;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>
/// One aggregate in memory. Its partition is the only writer of State/Version/Position/TimeoutAt and
/// writes them under the entry's lock so web threads read a consistent tuple; the flusher only raises
/// <see cref="PersistedVersion"/>. Dirty and the LRU links belong to the partition thread alone.
/// </summary>
internal sealed class AggregateEntry(string key, object state)
{
    private long _persistedVersion;

    public string Key { get; } = key;
    public object State { get; private set; } = state;
    public long Version { get; private set; }
    public GlobalPosition Position { get; private set; }
    /// <summary>True once an event was applied (a loaded document counts): positions at or below <see cref="Position"/> are then skipped.</summary>
    public bool HasPosition { get; private set; }
    public DateTimeOffset? TimeoutAt { get; private set; }
    public RecentEvents? Recent { get; private set; }

    public long PersistedVersion => Volatile.Read(ref _persistedVersion);

    // Partition-thread state.
    public bool Dirty;
    public AggregateEntry? LruPrev, LruNext;
    public bool InLru;

    public static AggregateEntry FromDocument(string key, object state, long version, GlobalPosition position, DateTimeOffset? timeoutAt) =>
        new(key, state) { Version = version, Position = position, HasPosition = true, TimeoutAt = timeoutAt, _persistedVersion = version };

    public void EnableRecent(int capacity)
    {
        if (capacity > 0 && Recent is null) Recent = new RecentEvents(capacity);
    }

    public void ApplyEvent(object state, RecordedEvent e, DateTimeOffset time, DateTimeOffset? timeoutAt)
    {
        lock (this)
        {
            State = state;
            Version++;
            Position = e.Position;
            HasPosition = true;
            TimeoutAt = timeoutAt;
            Recent?.Add(e.EventType, e.StreamId, e.StreamRevision, e.Position, time, Version);
        }
    }

    public void ApplyTimeout(object state, DateTimeOffset deadline, DateTimeOffset? timeoutAt)
    {
        lock (this)
        {
            State = state;
            Version++;
            TimeoutAt = timeoutAt;
            Recent?.Add("$timeout", "", 0, Position, deadline, Version);
        }
    }

    /// <summary>Raises the persisted version; never lowers it (flushes of older snapshots may finish late).</summary>
    public bool MarkPersisted(long version)
    {
        while (true)
        {
            var current = Volatile.Read(ref _persistedVersion);
            if (version <= current) return false;
            if (Interlocked.CompareExchange(ref _persistedVersion, version, current) == current) return true;
        }
    }

    public LiveEntity ToLive()
    {
        lock (this)
            return new LiveEntity(Key, State, Version, PersistedVersion, Position, TimeoutAt, Recent?.ToList() ?? []);
    }

    /// <summary>The state under the lock, for filtering from a web thread.</summary>
    public object ReadState()
    {
        lock (this) return State;
    }
}
