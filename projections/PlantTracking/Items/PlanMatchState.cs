using System.Collections.Immutable;
using PlantTracking.Events;

namespace PlantTracking.Items;

/// <summary>
/// The plan matcher's state after some visits, before completion is taken into account. Immutable; one
/// <see cref="Apply"/> per visit. Every step before <see cref="Next"/> is either visited or in
/// <see cref="Skipped"/>, so the visited count is <c>Next - Skipped.Count</c>.
/// </summary>
internal sealed record PlanMatchState(int Next, ImmutableDictionary<int, Deviation> Skipped, ImmutableArray<Deviation> Deviations)
{
    public static readonly PlanMatchState Initial = new(0, ImmutableDictionary<int, Deviation>.Empty, []);

    /// <summary>Matches one visit: advances along the plan, records skips, out-of-order and unexpected visits and over-dwell.</summary>
    public PlanMatchState Apply(ImmutableArray<PlannedStation> plan, PlanVisit visit)
    {
        if (plan.IsDefaultOrEmpty) return this;
        var expected = Next < plan.Length ? plan[Next].Station : null;
        var ahead = IndexOf(plan, visit.Station, from: Next);
        var next = Next;
        var skipped = Skipped;
        var deviations = Deviations;
        int step;
        if (ahead >= 0)
        {
            if (ahead > next)
            {
                var addedDeviations = deviations.ToBuilder();
                var addedSkips = skipped.ToBuilder();
                for (var k = next; k < ahead; k++)
                {
                    var skip = new Deviation(DeviationKind.SkippedStation, plan[k].Station, plan[k].Station, visit.ArrivedAt);
                    addedSkips[k] = skip;
                    addedDeviations.Add(skip);
                }
                deviations = addedDeviations.ToImmutable();
                skipped = addedSkips.ToImmutable();
            }
            step = ahead;
            next = ahead + 1;
        }
        else
        {
            step = FirstSkippedOrVisited(plan, visit.Station, next, skipped);
            if (step < 0)
                return this with { Deviations = deviations.Add(new Deviation(DeviationKind.UnexpectedStation, visit.Station, expected, visit.ArrivedAt)) };
            if (skipped.TryGetValue(step, out var resolved))
            {
                skipped = skipped.Remove(step);
                deviations = deviations.Remove(resolved);
            }
            deviations = deviations.Add(new Deviation(DeviationKind.OutOfOrder, visit.Station, expected, visit.ArrivedAt));
        }
        var expectedDwell = plan[step].ExpectedDwell;
        if (expectedDwell > TimeSpan.Zero && visit.Dwell > expectedDwell)
            deviations = deviations.Add(new Deviation(DeviationKind.OverDwell, visit.Station, expected, visit.ArrivedAt, visit.Dwell, expectedDwell));
        return next == Next && ReferenceEquals(skipped, Skipped) && deviations == Deviations ? this : new PlanMatchState(next, skipped, deviations);
    }

    /// <summary>The progress and deviations; a completed item has every step it did not reach reported as skipped.</summary>
    public PlanMatcher.Result Result(ImmutableArray<PlannedStation> plan, DateTimeOffset? completedAt)
    {
        if (plan.IsDefaultOrEmpty) return new PlanMatcher.Result(PlanProgress.None, []);
        var deviations = Deviations;
        if (completedAt is { } done && Next < plan.Length)
        {
            var withSkips = deviations.ToBuilder();
            for (var k = Next; k < plan.Length; k++)
                withSkips.Add(new Deviation(DeviationKind.SkippedStation, plan[k].Station, plan[k].Station, done));
            deviations = withSkips.ToImmutable();
        }
        var progress = new PlanProgress(plan.Length, Next - Skipped.Count,
            Next < plan.Length ? Next : null,
            Next < plan.Length ? plan[Next].Station : null);
        return new PlanMatcher.Result(progress, deviations);
    }

    private static int IndexOf(ImmutableArray<PlannedStation> plan, string station, int from)
    {
        for (var i = from; i < plan.Length; i++)
            if (plan[i].Station == station) return i;
        return -1;
    }

    /// <summary>A step before <paramref name="next"/> at this station: a skipped one first, else any.</summary>
    private static int FirstSkippedOrVisited(ImmutableArray<PlannedStation> plan, string station, int next, ImmutableDictionary<int, Deviation> skipped)
    {
        var any = -1;
        for (var i = 0; i < next; i++)
        {
            if (plan[i].Station != station) continue;
            if (skipped.ContainsKey(i)) return i;
            if (any < 0) any = i;
        }
        return any;
    }
}

/// <summary>Consecutive detections at one station. <paramref name="Dwell"/> lasts until the next visit's arrival, or for the latest visit until its latest detection.</summary>
internal readonly record struct PlanVisit(string Station, DateTimeOffset ArrivedAt, TimeSpan Dwell);
