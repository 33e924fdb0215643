using Projections.Core.Events;

namespace Projections.Core.Replay;

/// <summary>One aggregate as the reference fold computed it.</summary>
public sealed record ReplayedAggregate(string Key, byte[] StateJson, long Version, GlobalPosition Position, DateTimeOffset? TimeoutAt);

/// <summary>The outcome of a reference fold: key → aggregate, the last position read, the final stream time, parked events.</summary>
public sealed record ReplayResult(
    IReadOnlyDictionary<string, ReplayedAggregate> Aggregates,
    GlobalPosition? Position,
    DateTimeOffset? StreamTime,
    IReadOnlyList<GlobalPosition> Parked);
