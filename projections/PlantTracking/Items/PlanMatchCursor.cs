using System.Collections.Immutable;
using PlantTracking.Events;

namespace PlantTracking.Items;

/// <summary>
/// The plan matched against one exact detection history, kept so that a detection appended in time
/// order is matched in O(plan) instead of re-running over the whole history. Only the latest visit can
/// still change (its dwell grows while the item stays), so the state before it is kept and the latest
/// visit is re-applied on top. Any other change of plan or history (a new plan, a late detection, the
/// oldest detection dropped from a full history) starts over from the history.
/// </summary>
internal sealed class PlanMatchCursor
{
    private PlanMatchCursor(ImmutableArray<PlannedStation> plan, ImmutableArray<Detection> detections,
        PlanMatchState beforeLatestVisit, PlanVisit? latestVisit, PlanMatchState current)
    {
        Plan = plan;
        Detections = detections;
        BeforeLatestVisit = beforeLatestVisit;
        LatestVisit = latestVisit;
        Current = current;
    }

    public ImmutableArray<PlannedStation> Plan { get; }
    public ImmutableArray<Detection> Detections { get; }
    private PlanMatchState BeforeLatestVisit { get; }
    private PlanVisit? LatestVisit { get; }
    public PlanMatchState Current { get; }

    /// <summary>The cursor for (plan, detections): <paramref name="previous"/> itself, extended by one appended detection, or matched from scratch.</summary>
    public static PlanMatchCursor For(ImmutableArray<PlannedStation> plan, ImmutableArray<Detection> detections, PlanMatchCursor? previous)
    {
        if (previous is not null && previous.Plan == plan)
        {
            if (previous.Detections == detections) return previous;
            if (previous.IsExtendedByOne(detections)) return previous.Append(detections);
        }
        return FromScratch(plan, detections);
    }

    public static PlanMatchCursor FromScratch(ImmutableArray<PlannedStation> plan, ImmutableArray<Detection> detections)
    {
        var before = PlanMatchState.Initial;
        PlanVisit? latest = null;
        var i = 0;
        while (i < detections.Length)
        {
            var station = detections[i].Station;
            var arrived = detections[i].DetectedAt;
            var last = arrived;
            var j = i + 1;
            while (j < detections.Length && detections[j].Station == station) last = detections[j++].DetectedAt;
            if (latest is { } closed) before = before.Apply(plan, closed);
            var left = j < detections.Length ? detections[j].DetectedAt : last;
            latest = new PlanVisit(station, arrived, left - arrived);
            i = j;
        }
        var current = latest is { } open ? before.Apply(plan, open) : before;
        return new PlanMatchCursor(plan, detections, before, latest, current);
    }

    /// <summary>
    /// True when <paramref name="detections"/> is this history with one detection added at the end.
    /// Detections in a history are distinct instances (message ids are unique), so comparing the
    /// element before the new last one with the old last one tells an append from an insert.
    /// </summary>
    private bool IsExtendedByOne(ImmutableArray<Detection> detections) =>
        detections.Length == Detections.Length + 1
        && (Detections.IsEmpty || ReferenceEquals(detections[^2], Detections[^1]));

    private PlanMatchCursor Append(ImmutableArray<Detection> detections)
    {
        var added = detections[^1];
        if (LatestVisit is not { } latest)
        {
            var first = new PlanVisit(added.Station, added.DetectedAt, TimeSpan.Zero);
            return new PlanMatchCursor(Plan, detections, BeforeLatestVisit, first, BeforeLatestVisit.Apply(Plan, first));
        }
        if (added.Station == latest.Station)
        {
            var longer = latest with { Dwell = added.DetectedAt - latest.ArrivedAt };
            return new PlanMatchCursor(Plan, detections, BeforeLatestVisit, longer, BeforeLatestVisit.Apply(Plan, longer));
        }
        var before = BeforeLatestVisit.Apply(Plan, latest with { Dwell = added.DetectedAt - latest.ArrivedAt });
        var next = new PlanVisit(added.Station, added.DetectedAt, TimeSpan.Zero);
        return new PlanMatchCursor(Plan, detections, before, next, before.Apply(Plan, next));
    }
}
