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

/// <summary>Notification that an aggregate changed in memory or was persisted.</summary>
public sealed record EntityChange(string Key, long Version, long PersistedVersion, GlobalPosition Position, EntityChangeKind Kind);

public enum EntityChangeKind { Applied, TimedOut, Persisted }

/// <summary>A query over live aggregates: equality on declared fields, key substring, finished or not, paging in key order.</summary>
public sealed record EntityQuery
{
    public IReadOnlyDictionary<string, string> FieldEquals { get; init; } = new Dictionary<string, string>();
    public string? KeyContains { get; init; }
    /// <summary>
    /// False: only aggregates that are not finished by the projection's retirement rule (<c>RetireWhen</c>); true: only
    /// finished ones; null: both. Without a rule nothing is finished.
    /// </summary>
    public bool? Finished { get; init; }
    public int Skip { get; init; }
    public int Take { get; init; } = 50;
}

public sealed record EntityPage(long Total, IReadOnlyList<LiveEntity> Items);
