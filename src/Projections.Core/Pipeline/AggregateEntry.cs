using Projections.Core.Events;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>
/// One aggregate in memory. Its partition is the only writer: each applied event or timeout publishes a
/// new immutable <see cref="AggregateSnapshot"/> with one volatile write, and an entry is created
/// holding its first complete snapshot before it is inserted anywhere, so a web thread never sees a
/// state and a version that do not belong together. The flusher only raises <see cref="PersistedVersion"/>.
/// Dirty, the LRU links and the size estimate belong to the partition thread alone.
/// </summary>
internal sealed class AggregateEntry
{
    private AggregateSnapshot _current;
    private long _persistedVersion;

    private AggregateEntry(string key, AggregateSnapshot first, long persistedVersion, int recentEvents)
    {
        Key = key;
        _current = first;
        _persistedVersion = persistedVersion;
        if (recentEvents > 0) Recent = new RecentEvents(recentEvents);
    }

    public string Key { get; }
    public AggregateSnapshot Current => Volatile.Read(ref _current);
    public RecentEvents? Recent { get; }
    public long PersistedVersion => Volatile.Read(ref _persistedVersion);

    // Partition-thread state.
    public bool Dirty;
    public AggregateEntry? LruPrev, LruNext;
    public bool InLru;
    /// <summary>The state's serialized size at its last flush; written by the flusher, read by the partition.</summary>
    public int StoredBytes;
    /// <summary>What the partition's budget total counts for this aggregate.</summary>
    public long CountedBytes;
    /// <summary>When this finished aggregate retires (stream time); null while not finished.</summary>
    public DateTimeOffset? RetireAt;
    /// <summary>The declared index fields' values under which the partition's key index holds this aggregate.</summary>
    public string?[] IndexedValues = [];

    /// <summary>A new aggregate, holding the state its first event produced.</summary>
    public static AggregateEntry Created(string key, object state, RecordedEvent e, DateTimeOffset time, DateTimeOffset? timeoutAt, int recentEvents)
    {
        var entry = new AggregateEntry(key, new AggregateSnapshot(state, 1, e.Position, timeoutAt), 0, recentEvents);
        entry.Recent?.Add(e.EventType, e.StreamId, e.StreamRevision, e.Position, time, 1);
        return entry;
    }

    /// <summary>An aggregate loaded from its stored document, persisted as it is.</summary>
    public static AggregateEntry Loaded(string key, object state, long version, GlobalPosition position, DateTimeOffset? timeoutAt, int recentEvents) =>
        new(key, new AggregateSnapshot(state, version, position, timeoutAt), version, recentEvents);

    public void ApplyEvent(object state, RecordedEvent e, DateTimeOffset time, DateTimeOffset? timeoutAt)
    {
        var next = new AggregateSnapshot(state, _current.Version + 1, e.Position, timeoutAt);
        Recent?.Add(e.EventType, e.StreamId, e.StreamRevision, e.Position, time, next.Version);
        Volatile.Write(ref _current, next);
    }

    public void ApplyTimeout(object state, DateTimeOffset deadline, DateTimeOffset? timeoutAt)
    {
        var previous = _current;
        var next = new AggregateSnapshot(state, previous.Version + 1, previous.Position, timeoutAt);
        Recent?.Add("$timeout", "", 0, previous.Position, deadline, next.Version);
        Volatile.Write(ref _current, next);
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

    public LiveEntity ToLive() => ToLive(PersistedVersion, Current);

    /// <param name="persisted">Read before <paramref name="snapshot"/>: a version is persisted only after it was published, so it is never ahead.</param>
    public LiveEntity ToLive(long persisted, AggregateSnapshot snapshot) =>
        new(Key, snapshot.State, snapshot.Version, persisted, snapshot.Position, snapshot.TimeoutAt, Recent?.ToList(snapshot.Version) ?? []);
}
