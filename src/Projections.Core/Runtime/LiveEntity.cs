using Projections.Core.Events;

namespace Projections.Core.Runtime;

/// <summary>An aggregate as it is in memory right now.</summary>
public sealed record LiveEntity(
    string Key,
    object State,
    long Version,
    long PersistedVersion,
    GlobalPosition Position,
    DateTimeOffset? TimeoutAt,
    IReadOnlyList<AppliedEvent> RecentEvents);

/// <summary>A short record of an event applied to an aggregate (or of a timeout that fired: EventType "$timeout").</summary>
public sealed record AppliedEvent(string EventType, string StreamId, ulong StreamRevision, GlobalPosition Position, DateTimeOffset Time, long Version);

/// <summary>
/// Notification that an aggregate changed in memory or was persisted. A value (passed to each subscriber,
/// never shared), so notifying costs no allocation per change.
/// </summary>
public readonly record struct EntityChange(string Key, long Version, long PersistedVersion, GlobalPosition Position, EntityChangeKind Kind);

public enum EntityChangeKind { Applied, TimedOut, Persisted }

/// <summary>
/// A query over live aggregates: equality on declared fields, key substring, finished or not, paging in key order. One field
/// filter (or none) is answered from the live index at the cost of the page; see <see cref="Scans"/>.
/// </summary>
public sealed record EntityQuery
{
    /// <summary>A skip up to this walks the index keys before the page; beyond it the query counts as a scan (page with <see cref="After"/> instead).</summary>
    public const int IndexedSkipLimit = 10_000;

    public IReadOnlyDictionary<string, string> FieldEquals { get; init; } = new Dictionary<string, string>();
    public string? KeyContains { get; init; }
    /// <summary>A cursor: only keys after this one (ordinal order), typically the last key of the previous page. Skip applies after it.</summary>
    public string? After { get; init; }
    /// <summary>
    /// False: only aggregates that are not finished by the projection's retirement rule (<c>RetireWhen</c>); true: only
    /// finished ones; null: both. Without a rule nothing is finished.
    /// </summary>
    public bool? Finished { get; init; }
    public int Skip { get; init; }
    public int Take { get; init; } = 50;

    /// <summary>
    /// True when answering costs more than the page: a key substring or a second field filter is checked
    /// against every aggregate the first filter selects (all of them without one), and a deep skip walks the keys before it.
    /// <see cref="Finished"/> counts as a filter (it is indexed like a field).
    /// </summary>
    public bool Scans => !string.IsNullOrEmpty(KeyContains) || FieldEquals.Count + (Finished is null ? 0 : 1) > 1 || Skip > IndexedSkipLimit;
}

public sealed record EntityPage(long Total, IReadOnlyList<LiveEntity> Items);
