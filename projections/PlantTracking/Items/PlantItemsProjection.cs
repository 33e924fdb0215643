using PlantTracking.Events;
using PlantTracking.Serialization;
using Projections.Core.Projections;

namespace PlantTracking.Items;

/// <summary>
/// <c>plant-items</c>: one aggregate per item stream. Stream time is the plant's time (detection,
/// registration, plan, annotation and completion times), so "lost" is decided by plant time and a
/// rebuild gives the same result as live processing.
/// <para>
/// Memory bound per item: the latest <c>detectionHistoryLimit</c> detections (default 256) are kept for
/// de-duplication by message id and for re-matching the plan when it changes; the plan, its deviations
/// and the annotations are as large as the events make them.
/// </para>
/// </summary>
public sealed class PlantItemsProjection : Projection<PlantItem>
{
    public const string ProjectionName = "plant-items";
    public const int DefaultDetectionHistoryLimit = 256;
    public static readonly TimeSpan DefaultLostAfter = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan DefaultRetireCompletedAfter = TimeSpan.FromHours(1);

    /// <param name="lostAfter">An active item not detected for this long (in plant time) becomes Lost. Default 10 minutes.</param>
    /// <param name="detectionHistoryLimit">Detections kept per item. Default 256.</param>
    /// <param name="retireCompletedAfter">A completed item leaves memory this long (in plant time) after completion, once persisted; it stays in the store. Default 1 hour.</param>
    public PlantItemsProjection(TimeSpan? lostAfter = null, int detectionHistoryLimit = DefaultDetectionHistoryLimit, TimeSpan? retireCompletedAfter = null)
        : base(ProjectionName)
    {
        LostAfter = lostAfter ?? DefaultLostAfter;
        if (LostAfter <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(lostAfter), lostAfter, "plant-items: lostAfter must be positive.");
        if (detectionHistoryLimit < 1)
            throw new ArgumentOutOfRangeException(nameof(detectionHistoryLimit), detectionHistoryLimit, "plant-items: detectionHistoryLimit must be at least 1.");
        DetectionHistoryLimit = detectionHistoryLimit;

        JsonOptions = PlantJsonContext.Default.Options;
        FromStreams(PlantStreams.ItemPrefix);
        Initially(key => new PlantItem { Id = key });

        EventTimeFrom<ItemRegistered>(e => e.RegisteredAt);
        EventTimeFrom<PlanAssigned>(e => e.AssignedAt);
        EventTimeFrom<PlanChanged>(e => e.ChangedAt);
        EventTimeFrom<ItemDetected>(e => e.DetectedAt);
        EventTimeFrom<AnnotationAdded>(e => e.At);
        EventTimeFrom<AnnotationEdited>(e => e.At);
        EventTimeFrom<AnnotationRemoved>(e => e.At);
        EventTimeFrom<ItemCompleted>(e => e.CompletedAt);

        On<ItemRegistered>(PlantEventTypes.ItemRegistered, (item, e, ctx) => KeepWatching(ItemRules.Register(item, e), ctx));
        On<PlanAssigned>(PlantEventTypes.PlanAssigned, (item, e, _) => ItemRules.AssignPlan(item, e.Stations));
        On<PlanChanged>(PlantEventTypes.PlanChanged, (item, e, _) => ItemRules.AssignPlan(item, e.Stations));
        On<ItemDetected>(PlantEventTypes.ItemDetected, (item, e, ctx) =>
        {
            var updated = ItemRules.Detect(item, e, DetectionHistoryLimit);
            return ReferenceEquals(updated, item) ? item : KeepWatching(updated, ctx);
        });
        On<AnnotationAdded>(PlantEventTypes.AnnotationAdded, (item, e, _) => ItemRules.AddAnnotation(item, e));
        On<AnnotationEdited>(PlantEventTypes.AnnotationEdited, (item, e, _) => ItemRules.EditAnnotation(item, e));
        On<AnnotationRemoved>(PlantEventTypes.AnnotationRemoved, (item, e, _) => ItemRules.RemoveAnnotation(item, e));
        On<ItemCompleted>(PlantEventTypes.ItemCompleted, (item, e, ctx) =>
        {
            ctx.CancelTimeout();
            return ItemRules.Complete(item, e);
        });

        OnTimeout((item, ctx) =>
        {
            // A deadline computed from an older "last seen" is stale: move it instead of declaring the item lost.
            if (item.Status == ItemStatus.Active && LostDeadline(item) is { } due && due > ctx.Deadline)
            {
                ctx.ScheduleTimeout(due);
                return item;
            }
            return ItemRules.MarkLost(item, ctx.Deadline);
        });

        // Completed items are done for good; annotations may still arrive and read them back from the store.
        RetireWhen(item => item.Status == ItemStatus.Completed, retireCompletedAfter ?? DefaultRetireCompletedAfter);

        Index("status", item => item.Status);
        Index("currentStation", item => item.CurrentStation);
    }

    public TimeSpan LostAfter { get; }
    public int DetectionHistoryLimit { get; }

    /// <summary>When an active item becomes lost: <see cref="LostAfter"/> after it was last seen (or registered).</summary>
    public DateTimeOffset? LostDeadline(PlantItem item) => (item.LastSeen ?? item.RegisteredAt) + LostAfter;

    private PlantItem KeepWatching(PlantItem item, EventContext ctx)
    {
        if (item.Status == ItemStatus.Active && LostDeadline(item) is { } deadline) ctx.ScheduleTimeout(deadline);
        return item;
    }
}
