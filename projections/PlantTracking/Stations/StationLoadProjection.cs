using PlantTracking.Events;
using PlantTracking.Serialization;
using Projections.Core.Projections;

namespace PlantTracking.Stations;

/// <summary>
/// <c>station-load</c>: one aggregate per station, folded from every item's events. An
/// <see cref="ItemDetected"/> applies to the station the item reached and to the station it left
/// (its <c>previousStation</c>); <see cref="ItemCompleted"/> is a departure from its station.
/// <para>
/// Memory bound per station: the items present plus at most <c>retainedDepartedVisits</c> (default 256)
/// items that left, which is how far back a late or duplicated detection is still recognised; and
/// <c>throughputHours</c> (default 24) hourly throughput buckets.
/// </para>
/// <para>
/// An item that never shows up leaving (it became lost, or the departing detection was never sent) is
/// presumed gone <c>presenceTimeout</c> (default 30 minutes of plant time) after it arrived.
/// </para>
/// </summary>
public sealed class StationLoadProjection : Projection<StationLoad>
{
    public const string ProjectionName = "station-load";
    public const int DefaultRetainedDepartedVisits = 256;
    public const int DefaultThroughputHours = 24;
    public static readonly TimeSpan DefaultPresenceTimeout = TimeSpan.FromMinutes(30);

    public StationLoadProjection(
        TimeSpan? presenceTimeout = null,
        int retainedDepartedVisits = DefaultRetainedDepartedVisits,
        int throughputHours = DefaultThroughputHours)
        : base(ProjectionName)
    {
        PresenceTimeout = presenceTimeout ?? DefaultPresenceTimeout;
        if (PresenceTimeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(presenceTimeout), presenceTimeout, "station-load: presenceTimeout must be positive.");
        if (retainedDepartedVisits < 1)
            throw new ArgumentOutOfRangeException(nameof(retainedDepartedVisits), retainedDepartedVisits, "station-load: retainedDepartedVisits must be at least 1.");
        if (throughputHours < 1)
            throw new ArgumentOutOfRangeException(nameof(throughputHours), throughputHours, "station-load: throughputHours must be at least 1.");
        RetainedDepartedVisits = retainedDepartedVisits;
        ThroughputHours = throughputHours;

        JsonOptions = PlantJsonContext.Default.Options;
        FromStreams(PlantStreams.ItemPrefix);
        Initially(key => new StationLoad { Station = key });
        EventTimeFrom<ItemDetected>(e => e.DetectedAt);
        EventTimeFrom<ItemCompleted>(e => e.CompletedAt);

        On<ItemDetected>(PlantEventTypes.ItemDetected, (station, e, ctx) => Watch(station,
                ctx.Key == e.Station
                    ? StationRules.Arrive(station, e.ItemId, e.DetectedAt, PresenceTimeout, RetainedDepartedVisits)
                    : StationRules.Depart(station, e.ItemId, e.DetectedAt, ThroughputHours, RetainedDepartedVisits),
                ctx))
            .KeysBy(StationsOf);
        On<ItemCompleted>(PlantEventTypes.ItemCompleted, (station, e, ctx) =>
                Watch(station, StationRules.Depart(station, e.ItemId, e.CompletedAt, ThroughputHours, RetainedDepartedVisits), ctx))
            .KeyBy(e => e.Station);

        OnTimeout((station, ctx) =>
        {
            var updated = StationRules.CheckPresence(station, ctx.Deadline, PresenceTimeout);
            if (updated.PresenceCheckAt is { } next) ctx.ScheduleTimeout(next);
            return updated;
        });

        Index("station", s => s.Station);
    }

    public TimeSpan PresenceTimeout { get; }
    public int RetainedDepartedVisits { get; }
    public int ThroughputHours { get; }

    /// <summary>The stations an <see cref="ItemDetected"/> applies to: where it arrived, and where it left if different.</summary>
    public static IEnumerable<string> StationsOf(ItemDetected e) =>
        e.PreviousStation is { Length: > 0 } previous && previous != e.Station ? [e.Station, previous] : [e.Station];

    /// <summary>Keeps the station's timeout at its <see cref="StationLoad.PresenceCheckAt"/>.</summary>
    private static StationLoad Watch(StationLoad before, StationLoad after, EventContext ctx)
    {
        if (after.PresenceCheckAt == before.PresenceCheckAt) return after;
        if (after.PresenceCheckAt is { } due) ctx.ScheduleTimeout(due);
        else ctx.CancelTimeout();
        return after;
    }
}
