namespace PlantTracking.Events;

/// <summary>
/// The event-type names as stored in the event store. The simulator writes them and the projections
/// subscribe to them, so both use these constants.
/// </summary>
public static class PlantEventTypes
{
    public const string ItemRegistered = nameof(Events.ItemRegistered);
    public const string PlanAssigned = nameof(Events.PlanAssigned);
    public const string PlanChanged = nameof(Events.PlanChanged);
    public const string ItemDetected = nameof(Events.ItemDetected);
    public const string AnnotationAdded = nameof(Events.AnnotationAdded);
    public const string AnnotationEdited = nameof(Events.AnnotationEdited);
    public const string AnnotationRemoved = nameof(Events.AnnotationRemoved);
    public const string ItemCompleted = nameof(Events.ItemCompleted);

    public static readonly IReadOnlyList<string> All =
    [
        ItemRegistered, PlanAssigned, PlanChanged, ItemDetected,
        AnnotationAdded, AnnotationEdited, AnnotationRemoved, ItemCompleted,
    ];
}

/// <summary>Stream naming: one stream per item.</summary>
public static class PlantStreams
{
    public const string ItemPrefix = "item-";

    public static string ForItem(string itemId) => ItemPrefix + itemId;
}
