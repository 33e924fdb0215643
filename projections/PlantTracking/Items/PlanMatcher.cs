using System.Collections.Immutable;
using PlantTracking.Events;

namespace PlantTracking.Items;

/// <summary>
/// Matches an item's detection history against its plan. It is a pure function of (plan, detections
/// ordered by time, completion time), so the result does not depend on the order in which detections
/// arrived, and a plan change simply re-runs it over the history. <see cref="ItemRules"/> keeps a
/// <see cref="PlanMatchCursor"/> so an in-order detection extends the previous match instead.
/// </summary>
public static class PlanMatcher
{
    public readonly record struct Result(PlanProgress Progress, ImmutableArray<Deviation> Deviations);

    public static Result Match(ImmutableArray<PlannedStation> plan, ImmutableArray<Detection> detections, DateTimeOffset? completedAt) =>
        plan.IsDefaultOrEmpty
            ? new Result(PlanProgress.None, [])
            : PlanMatchCursor.FromScratch(plan, detections).Current.Result(plan, completedAt);
}
