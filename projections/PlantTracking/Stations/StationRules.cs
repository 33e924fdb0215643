using System.Collections.Immutable;

namespace PlantTracking.Stations;

/// <summary>
/// The state transitions of one station. Pure functions, O(log n) per event: the presence check is one
/// pending deadline per station (<see cref="StationLoad.PresenceCheckAt"/>) rather than one per item.
/// </summary>
public static class StationRules
{
    private static readonly StationVisit Unknown = new(null, null, false, false);

    public static StationLoad Arrive(StationLoad station, string itemId, DateTimeOffset at, TimeSpan presenceTimeout, int retainedDepartedVisits)
    {
        var visit = station.Visits.GetValueOrDefault(itemId) ?? Unknown;
        if (visit.ArrivedAt is { } known && at <= known) return station;

        var newVisit = visit.DepartedAt is not { } departed || at > departed;
        var updated = visit with { ArrivedAt = at, TimedOut = false, DwellCounted = !newVisit && visit.DwellCounted };
        var result = station with
        {
            Arrivals = station.Arrivals + (newVisit && !visit.IsPresent ? 1 : 0),
            LastActivity = Later(station.LastActivity, at),
        };
        // The departure was already known (it arrived first): this arrival closes the visit.
        if (!newVisit && !visit.DwellCounted)
        {
            updated = updated with { DwellCounted = true };
            result = AddDwell(result, visit.DepartedAt!.Value - at);
        }
        if (updated.IsPresent && !visit.IsPresent && Earlier(result.PresenceCheckAt, at + presenceTimeout) is var check)
            result = result with { PresenceCheckAt = check };
        return Trim(Store(result, itemId, visit, updated), retainedDepartedVisits);
    }

    public static StationLoad Depart(StationLoad station, string itemId, DateTimeOffset at, int throughputHours, int retainedDepartedVisits)
    {
        var visit = station.Visits.GetValueOrDefault(itemId) ?? Unknown;
        if (visit.DepartedAt is { } known && at <= known) return station;

        var updated = visit with { DepartedAt = at, DwellCounted = false };
        var result = station with
        {
            Departures = station.Departures + 1,
            Throughput = CountDeparture(station.Throughput, at, throughputHours),
            LastActivity = Later(station.LastActivity, at),
        };
        if (visit.ArrivedAt is { } arrived && arrived < at)
        {
            updated = updated with { DwellCounted = true };
            result = AddDwell(result, at - arrived);
        }
        result = Store(result, itemId, visit, updated);
        if (result.ItemsPresent == 0) result = result with { PresenceCheckAt = null };
        return Trim(result, retainedDepartedVisits);
    }

    /// <summary>
    /// The presence check at <paramref name="now"/>: items that arrived <paramref name="presenceTimeout"/>
    /// or longer ago and are still present are presumed gone; the next check is due when the oldest
    /// remaining item reaches the timeout.
    /// </summary>
    public static StationLoad CheckPresence(StationLoad station, DateTimeOffset now, TimeSpan presenceTimeout)
    {
        var arrivedBy = now - presenceTimeout;
        var visits = station.Visits;
        var timedOut = 0;
        DateTimeOffset? oldest = null;
        foreach (var (item, visit) in station.Visits)
        {
            if (!visit.IsPresent) continue;
            if (visit.ArrivedAt <= arrivedBy)
            {
                visits = visits.SetItem(item, visit with { TimedOut = true });
                timedOut++;
            }
            else oldest = Earlier(oldest, visit.ArrivedAt!.Value);
        }
        return station with
        {
            Visits = visits,
            ItemsPresent = station.ItemsPresent - timedOut,
            ItemsTimedOut = station.ItemsTimedOut + timedOut,
            PresenceCheckAt = oldest + presenceTimeout,
        };
    }

    private static StationLoad Store(StationLoad station, string itemId, StationVisit before, StationVisit after) => station with
    {
        Visits = station.Visits.SetItem(itemId, after),
        ItemsPresent = station.ItemsPresent + (after.IsPresent ? 1 : 0) - (before.IsPresent ? 1 : 0),
    };

    private static StationLoad AddDwell(StationLoad station, TimeSpan dwell) =>
        station with { DwellSamples = station.DwellSamples + 1, TotalDwell = station.TotalDwell + dwell };

    private static ImmutableArray<ThroughputBucket> CountDeparture(ImmutableArray<ThroughputBucket> buckets, DateTimeOffset at, int hours)
    {
        var hour = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);
        var index = buckets.Length;
        while (index > 0 && buckets[index - 1].Hour >= hour) index--;
        if (index < buckets.Length && buckets[index].Hour == hour)
            return buckets.SetItem(index, buckets[index] with { Departures = buckets[index].Departures + 1 });
        if (buckets.Length >= hours && index == 0) return buckets; // older than every retained hour
        var inserted = buckets.Insert(index, new ThroughputBucket(hour, 1));
        return inserted.Length > hours ? inserted.RemoveRange(0, inserted.Length - hours) : inserted;
    }

    /// <summary>
    /// Forgets the visits of items no longer present once there are more than the retention count, least
    /// recent first, down to three quarters of it (so the sort runs once per many departures, not per event).
    /// </summary>
    private static StationLoad Trim(StationLoad station, int retainedDepartedVisits)
    {
        var gone = station.Visits.Count - station.ItemsPresent;
        if (gone <= retainedDepartedVisits) return station;
        var forget = station.Visits
            .Where(v => !v.Value.IsPresent)
            .OrderBy(v => Later(v.Value.ArrivedAt, v.Value.DepartedAt))
            .ThenBy(v => v.Key, StringComparer.Ordinal)
            .Take(gone - retainedDepartedVisits * 3 / 4)
            .Select(v => v.Key);
        return station with { Visits = station.Visits.RemoveRange(forget) };
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;

    private static DateTimeOffset Earlier(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;
}
