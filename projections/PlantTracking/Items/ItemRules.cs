using System.Collections.Immutable;
using PlantTracking.Events;

namespace PlantTracking.Items;

/// <summary>The state transitions of one item. Pure functions; scheduling is done by the projection.</summary>
public static class ItemRules
{
    public static PlantItem Register(PlantItem item, ItemRegistered e) => item with
    {
        ItemId = e.ItemId,
        ProductType = e.ProductType,
        RegisteredAt = e.RegisteredAt,
    };

    public static PlantItem AssignPlan(PlantItem item, IReadOnlyList<PlannedStation> stations) =>
        Rematch(item with { Plan = [.. stations], PlanVersion = item.PlanVersion + 1 });

    /// <summary>Adds a detection unless its message id was seen; returns the same instance for a duplicate.</summary>
    public static PlantItem Detect(PlantItem item, ItemDetected e, int historyLimit)
    {
        var detection = new Detection(e.MessageId, e.Station, e.DetectedAt);
        var ids = MessageIdIndex.For(item.Detections, item.MessageIds);
        var outcome = DetectionHistory.Insert(item.Detections, detection, historyLimit, ids, out var history, out var historyIds);
        if (outcome == DetectionHistory.Outcome.Duplicate) return item;

        var isLatest = item.LastSeen is not { } last || e.DetectedAt >= last;
        // One copy of the item per detection: the plan match is computed first (a detection never completes an item).
        var (progress, deviations, planMatch) = outcome == DetectionHistory.Outcome.Inserted
            ? Match(item.Plan, history, item.PlanMatch, item.Status == ItemStatus.Completed ? item.CompletedAt : null)
            : (item.Progress, item.Deviations, item.PlanMatch);
        var found = item.Status == ItemStatus.Lost;
        return item with
        {
            DetectionCount = item.DetectionCount + 1,
            LateDetections = item.LateDetections + (isLatest ? 0 : 1),
            DetectionsBeyondHistory = item.DetectionsBeyondHistory + (outcome == DetectionHistory.Outcome.BeyondHistory ? 1 : 0),
            Detections = history,
            MessageIds = historyIds,
            LastSeen = isLatest ? e.DetectedAt : item.LastSeen,
            CurrentStation = isLatest ? e.Station : item.CurrentStation,
            Status = found ? ItemStatus.Active : item.Status,
            LostSince = found ? null : item.LostSince,
            Progress = progress,
            Deviations = deviations,
            PlanMatch = planMatch,
        };
    }

    public static PlantItem Complete(PlantItem item, ItemCompleted e) =>
        Rematch(item with { Status = ItemStatus.Completed, CompletedAt = e.CompletedAt, LostSince = null });

    public static PlantItem MarkLost(PlantItem item, DateTimeOffset deadline) =>
        item.Status != ItemStatus.Active ? item : item with { Status = ItemStatus.Lost, LostSince = deadline, TimesLost = item.TimesLost + 1 };

    /// <summary>Adds the annotation; a second add with the same id replaces it only when it is newer.</summary>
    public static PlantItem AddAnnotation(PlantItem item, AnnotationAdded e)
    {
        var index = IndexOf(item.Annotations, e.AnnotationId);
        if (index >= 0)
            return item.Annotations[index].UpdatedAt >= e.At ? item : item with
            {
                Annotations = item.Annotations.SetItem(index, item.Annotations[index] with { Author = e.Author, Text = e.Text, UpdatedAt = e.At }),
            };
        return item with { Annotations = item.Annotations.Add(new Annotation(e.AnnotationId, e.Author, e.Text, e.At, e.At, null)) };
    }

    /// <summary>Last writer (by time) wins. Editing an unknown annotation adds it, so an edit is never lost.</summary>
    public static PlantItem EditAnnotation(PlantItem item, AnnotationEdited e)
    {
        var index = IndexOf(item.Annotations, e.AnnotationId);
        if (index < 0)
            return item with { Annotations = item.Annotations.Add(new Annotation(e.AnnotationId, e.Author, e.Text, e.At, e.At, e.Author)) };
        var current = item.Annotations[index];
        if (current.UpdatedAt > e.At) return item;
        return item with { Annotations = item.Annotations.SetItem(index, current with { Text = e.Text, UpdatedAt = e.At, EditedBy = e.Author }) };
    }

    public static PlantItem RemoveAnnotation(PlantItem item, AnnotationRemoved e)
    {
        var index = IndexOf(item.Annotations, e.AnnotationId);
        return index < 0 ? item : item with { Annotations = item.Annotations.RemoveAt(index) };
    }

    /// <summary>Re-matches the plan, extending the previous match when only a detection was appended (see <see cref="PlanMatchCursor"/>).</summary>
    private static PlantItem Rematch(PlantItem item)
    {
        var (progress, deviations, planMatch) = Match(item.Plan, item.Detections, item.PlanMatch, item.Status == ItemStatus.Completed ? item.CompletedAt : null);
        return item with { Progress = progress, Deviations = deviations, PlanMatch = planMatch };
    }

    private static (PlanProgress Progress, ImmutableArray<Deviation> Deviations, PlanMatchCursor Cursor) Match(
        ImmutableArray<PlannedStation> plan, ImmutableArray<Detection> detections, PlanMatchCursor? previous, DateTimeOffset? completedAt)
    {
        var cursor = PlanMatchCursor.For(plan, detections, previous);
        var result = cursor.Current.Result(plan, completedAt);
        return (result.Progress, result.Deviations, cursor);
    }

    private static int IndexOf(ImmutableArray<Annotation> annotations, string id)
    {
        for (var i = 0; i < annotations.Length; i++)
            if (annotations[i].Id == id) return i;
        return -1;
    }
}
