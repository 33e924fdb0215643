using System.Collections.Immutable;

namespace PlantTracking.Stations;

/// <summary>The state transitions of one station. Pure functions.</summary>
public static class StationRules
{
    public static StationLoad Arrive(StationLoad station, string itemId, DateTimeOffset at, int retainedDepartedVisits)
    {
        var visit = station.Visits.GetValueOrDefault(itemId) ?? new StationVisit(null, null, false, false);
        if (visit.ArrivedAt is { } known && at <= known) return station;

        var newVisit = visit.DepartedAt is not { } departed || at > departed;
        var updated = visit with { ArrivedAt = at, TimedOut = false };
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
        if (newVisit) updated = updated with { DwellCounted = false };
        return Trim(result with { Visits = result.Visits.SetItem(itemId, updated) }, retainedDepartedVisits);
    }

    public static StationLoad Depart(StationLoad station, string itemId, DateTimeOffset at, int throughputHours, int retainedDepartedVisits)
    {
        var visit = station.Visits.GetValueOrDefault(itemId) ?? new StationVisit(null, null, false, false);
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
        return Trim(result with { Visits = result.Visits.SetItem(itemId, updated) }, retainedDepartedVisits);
    }

    /// <summary>Marks items that arrived at or before <paramref name="arrivedBy"/> and are still present as gone.</summary>
    public static StationLoad TimeOutStale(StationLoad station, DateTimeOffset arrivedBy)
    {
        var visits = station.Visits;
        var count = 0;
        foreach (var (item, visit) in station.Visits)
        {
            if (!visit.IsPresent || visit.ArrivedAt > arrivedBy) continue;
            visits = visits.SetItem(item, visit with { TimedOut = true });
            count++;
        }
        return count == 0 ? station : station with { Visits = visits, ItemsTimedOut = station.ItemsTimedOut + count };
    }

    /// <summary>The earliest arrival among present items, or null when none is present.</summary>
    public static DateTimeOffset? OldestPresentArrival(StationLoad station)
    {
        DateTimeOffset? oldest = null;
        foreach (var visit in station.Visits.Values)
            if (visit.IsPresent && (oldest is null || visit.ArrivedAt < oldest)) oldest = visit.ArrivedAt;
        return oldest;
    }

    private static StationLoad AddDwell(StationLoad station, TimeSpan dwell) =>
        station with { DwellSamples = station.DwellSamples + 1, TotalDwell = station.TotalDwell + dwell };

    private static ImmutableArray<ThroughputBucket> CountDeparture(ImmutableArray<ThroughputBucket> buckets, DateTimeOffset at, int hours)
    {
        var hour = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);
        var index = 0;
        while (index < buckets.Length && buckets[index].Hour < hour) index++;
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
        if (station.Visits.Count <= retainedDepartedVisits) return station;
        var gone = station.Visits.Where(v => !v.Value.IsPresent).ToList();
        if (gone.Count <= retainedDepartedVisits) return station;
        var forget = gone
            .OrderBy(v => Later(v.Value.ArrivedAt, v.Value.DepartedAt))
            .ThenBy(v => v.Key, StringComparer.Ordinal)
            .Take(gone.Count - retainedDepartedVisits * 3 / 4)
            .Select(v => v.Key);
        return station with { Visits = station.Visits.RemoveRange(forget) };
    }

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;
}
