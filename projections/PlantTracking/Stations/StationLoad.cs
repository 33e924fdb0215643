using System.Collections.Immutable;

namespace PlantTracking.Stations;

/// <summary>
/// The state of one station in the <c>station-load</c> projection (key = station id). Immutable.
/// </summary>
public sealed record StationLoad
{
    public required string Station { get; init; }
    /// <summary>Per item (by item id): its latest arrival and departure here. See <see cref="StationLoadProjection"/> for the bound.</summary>
    public ImmutableSortedDictionary<string, StationVisit> Visits { get; init; } = ImmutableSortedDictionary<string, StationVisit>.Empty;
    /// <summary>Visits that began here (a new arrival after the item's last departure).</summary>
    public long Arrivals { get; init; }
    public long Departures { get; init; }
    public long DwellSamples { get; init; }
    public TimeSpan TotalDwell { get; init; }
    /// <summary>Items presumed gone because they were not seen leaving within the presence timeout.</summary>
    public long ItemsTimedOut { get; init; }
    /// <summary>Departures per hour of plant time, the latest hours only, oldest first.</summary>
    public ImmutableArray<ThroughputBucket> Throughput { get; init; } = [];
    public DateTimeOffset? LastActivity { get; init; }

    /// <summary>Items here now (kept in step with <see cref="Visits"/> by every transition).</summary>
    public int ItemsPresent { get; init; }
    /// <summary>When the presence check runs next (the station's pending timeout); null when nobody is present.</summary>
    public DateTimeOffset? PresenceCheckAt { get; init; }
    public TimeSpan? MeanDwell => DwellSamples == 0 ? null : TimeSpan.FromTicks(TotalDwell.Ticks / DwellSamples);
}

/// <summary>
/// One item at one station: the latest detection here (<paramref name="ArrivedAt"/>) and the latest
/// detection elsewhere that named this station as the previous one (<paramref name="DepartedAt"/>).
/// Keeping only the latest of each makes duplicates and out-of-order arrivals harmless.
/// </summary>
public sealed record StationVisit(DateTimeOffset? ArrivedAt, DateTimeOffset? DepartedAt, bool DwellCounted, bool TimedOut)
{
    public bool IsPresent => ArrivedAt is { } a && !TimedOut && (DepartedAt is not { } d || a > d);
}

public sealed record ThroughputBucket(DateTimeOffset Hour, int Departures);
