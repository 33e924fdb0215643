using Projections.Core.Events;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>
/// One aggregate in memory. Its partition is the only writer: each applied event or timeout publishes a
/// new immutable <see cref="AggregateSnapshot"/> with one volatile write, and an entry is created
/// holding its first complete snapshot before it is inserted anywhere, so a web thread never sees a
/// state and a version that do not belong together. The flusher only raises <see cref="PersistedVersion"/>.
/// Dirty, the LRU links and the size estimate belong to the partition thread alone. Every field here is
/// paid once per live aggregate (docs/performance.md, scenario 4), so the ring is inline and the
/// retirement time is kept in ticks.
/// </summary>
internal sealed class AggregateEntry
{
    private AggregateSnapshot _current;
    private long _persistedVersion;
    /// <summary>Guarded by <c>lock (this)</c>: the partition adds, web threads read (uncontended on the hot path).</summary>
    private RecentEvents _recent;
    private long _retireAtUtcTicks;

    private AggregateEntry(string key, AggregateSnapshot first, long persistedVersion, int recentEvents)
    {
        Key = key;
        _current = first;
        _persistedVersion = persistedVersion;
        _recent = new RecentEvents(recentEvents);
    }

    public string Key { get; }
    public AggregateSnapshot Current => Volatile.Read(ref _current);
    public long PersistedVersion => Volatile.Read(ref _persistedVersion);

    // Partition-thread state.
    public bool Dirty;
    public AggregateEntry? LruPrev, LruNext;
    public bool InLru;
    /// <summary>The state's serialized size at its last flush; written by the flusher, read by the partition.</summary>
    public int StoredBytes;
    /// <summary>What the partition's budget total counts for this aggregate.</summary>
    public long CountedBytes;
    /// <summary>When this finished aggregate retires (stream time, compared as UTC); null while not finished.</summary>
    public DateTimeOffset? RetireAt
    {
        get => _retireAtUtcTicks == 0 ? null : new DateTimeOffset(_retireAtUtcTicks, TimeSpan.Zero);
        set => _retireAtUtcTicks = value is { } at ? Math.Max(1, at.UtcTicks) : 0;
    }
    /// <summary>The declared index fields' values under which the partition's key index holds this aggregate.</summary>
    public string?[] IndexedValues = [];

    /// <summary>A new aggregate, holding the state its first event produced.</summary>
    /// <param name="eventType">The handler's own event type name, equal to the event's: one string shared by every aggregate's ring.</param>
    public static AggregateEntry Created(string key, object state, RecordedEvent e, string eventType, DateTimeOffset time, DateTimeOffset? timeoutAt, int recentEvents)
    {
        var entry = new AggregateEntry(key, new AggregateSnapshot(state, 1, e.Position, timeoutAt), 0, recentEvents);
        entry.AddRecent(eventType, e, time, 1);
        return entry;
    }

    /// <summary>An aggregate loaded from its stored document, persisted as it is.</summary>
    public static AggregateEntry Loaded(string key, object state, long version, GlobalPosition position, DateTimeOffset? timeoutAt, int recentEvents) =>
        new(key, new AggregateSnapshot(state, version, position, timeoutAt), version, recentEvents);

    public void ApplyEvent(object state, RecordedEvent e, string eventType, DateTimeOffset time, DateTimeOffset? timeoutAt)
    {
        var next = new AggregateSnapshot(state, _current.Version + 1, e.Position, timeoutAt);
        AddRecent(eventType, e, time, next.Version);
        Volatile.Write(ref _current, next);
    }

    public void ApplyTimeout(object state, DateTimeOffset deadline, DateTimeOffset? timeoutAt)
    {
        var previous = _current;
        var next = new AggregateSnapshot(state, previous.Version + 1, previous.Position, timeoutAt);
        lock (this) _recent.Add("$timeout", "", 0, previous.Position, deadline, next.Version);
        Volatile.Write(ref _current, next);
    }

    /// <summary>
    /// A source hands out new strings with every event: the ring keeps the handler's event type and the
    /// key (or the previous slot's stream id) instead, so its slots hold no string of their own.
    /// </summary>
    private void AddRecent(string eventType, RecordedEvent e, DateTimeOffset time, long version)
    {
        lock (this)
        {
            var type = string.Equals(eventType, e.EventType, StringComparison.Ordinal) ? eventType : e.EventType;
            var stream = string.Equals(e.StreamId, Key, StringComparison.Ordinal) ? Key : _recent.Share(e.StreamId);
            _recent.Add(type, stream, e.StreamRevision, e.Position, time, version);
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

    public LiveEntity ToLive() => ToLive(PersistedVersion, Current);

    /// <param name="persisted">Read before <paramref name="snapshot"/>: a version is persisted only after it was published, so it is never ahead.</param>
    public LiveEntity ToLive(long persisted, AggregateSnapshot snapshot) =>
        new(Key, snapshot.State, snapshot.Version, persisted, snapshot.Position, snapshot.TimeoutAt, RecentList(snapshot.Version));

    private IReadOnlyList<AppliedEvent> RecentList(long maxVersion)
    {
        lock (this) return _recent.ToList(maxVersion);
    }
}
