using System.Collections.Immutable;
using PlantTracking.Events;
using PlantTracking.Items;

namespace PlantTracking.Tests.Support;

/// <summary>
/// The plan matcher as it was before matching became incremental: re-runs over the whole history on
/// every call. Kept verbatim as an independent oracle for the incremental matcher.
/// </summary>
public static class ReferencePlanMatcher
{
    public static PlanMatcher.Result Match(ImmutableArray<PlannedStation> plan, ImmutableArray<Detection> detections, DateTimeOffset? completedAt)
    {
        if (plan.IsDefaultOrEmpty) return new PlanMatcher.Result(PlanProgress.None, []);

        var deviations = new List<Deviation>();
        var visited = new bool[plan.Length];
        var skipped = new Dictionary<int, Deviation>();
        var next = 0;

        foreach (var visit in Visits(detections))
        {
            var expected = next < plan.Length ? plan[next].Station : null;
            var ahead = IndexOf(plan, visit.Station, from: next);
            int step;
            if (ahead >= 0)
            {
                for (var k = next; k < ahead; k++)
                {
                    var skip = new Deviation(DeviationKind.SkippedStation, plan[k].Station, plan[k].Station, visit.ArrivedAt);
                    skipped[k] = skip;
                    deviations.Add(skip);
                }
                step = ahead;
                next = ahead + 1;
            }
            else
            {
                step = FirstSkippedOrVisited(plan, visit.Station, next, skipped);
                if (step < 0)
                {
                    deviations.Add(new Deviation(DeviationKind.UnexpectedStation, visit.Station, expected, visit.ArrivedAt));
                    continue;
                }
                if (skipped.Remove(step, out var resolved)) deviations.Remove(resolved);
                deviations.Add(new Deviation(DeviationKind.OutOfOrder, visit.Station, expected, visit.ArrivedAt));
            }
            visited[step] = true;
            var expectedDwell = plan[step].ExpectedDwell;
            if (expectedDwell > TimeSpan.Zero && visit.Dwell > expectedDwell)
                deviations.Add(new Deviation(DeviationKind.OverDwell, visit.Station, expected, visit.ArrivedAt, visit.Dwell, expectedDwell));
        }

        if (completedAt is { } done)
            for (var k = next; k < plan.Length; k++)
                deviations.Add(new Deviation(DeviationKind.SkippedStation, plan[k].Station, plan[k].Station, done));

        var visitedSteps = visited.Count(v => v);
        var progress = new PlanProgress(plan.Length, visitedSteps,
            next < plan.Length ? next : null,
            next < plan.Length ? plan[next].Station : null);
        return new PlanMatcher.Result(progress, [.. deviations]);
    }

    private static int IndexOf(ImmutableArray<PlannedStation> plan, string station, int from)
    {
        for (var i = from; i < plan.Length; i++)
            if (plan[i].Station == station) return i;
        return -1;
    }

    /// <summary>A step before <paramref name="next"/> at this station: a skipped one first, else any.</summary>
    private static int FirstSkippedOrVisited(ImmutableArray<PlannedStation> plan, string station, int next, Dictionary<int, Deviation> skipped)
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

    private readonly record struct Visit(string Station, DateTimeOffset ArrivedAt, TimeSpan Dwell);

    /// <summary>
    /// Consecutive detections at one station form one visit. Its dwell lasts until the next visit's
    /// arrival, or for the current visit until its latest detection.
    /// </summary>
    private static IEnumerable<Visit> Visits(ImmutableArray<Detection> detections)
    {
        var i = 0;
        while (i < detections.Length)
        {
            var station = detections[i].Station;
            var arrived = detections[i].DetectedAt;
            var last = arrived;
            var j = i + 1;
            while (j < detections.Length && detections[j].Station == station) last = detections[j++].DetectedAt;
            var left = j < detections.Length ? detections[j].DetectedAt : last;
            yield return new Visit(station, arrived, left - arrived);
            i = j;
        }
    }
}
