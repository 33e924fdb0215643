using System.Collections.Immutable;
using System.Text.Json.Serialization;
using PlantTracking.Events;

namespace PlantTracking.Items;

public enum ItemStatus { Active, Lost, Completed }

/// <summary>
/// The state of one item in the <c>plant-items</c> projection (key = stream id). Immutable: every
/// handler returns a new instance and copies the arrays it changes.
/// </summary>
public sealed record PlantItem
{
    /// <summary>The aggregate key: the item's stream id.</summary>
    public required string Id { get; init; }
    public string? ItemId { get; init; }
    public string? ProductType { get; init; }
    public DateTimeOffset? RegisteredAt { get; init; }

    public ItemStatus Status { get; init; } = ItemStatus.Active;
    /// <summary>Station of the latest detection by detection time (not by arrival order).</summary>
    public string? CurrentStation { get; init; }
    /// <summary>The latest detection time.</summary>
    public DateTimeOffset? LastSeen { get; init; }
    /// <summary>When the item was declared lost (the timeout's deadline); null unless Lost.</summary>
    public DateTimeOffset? LostSince { get; init; }
    public int TimesLost { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    public ImmutableArray<PlannedStation> Plan { get; init; } = [];
    /// <summary>1 after PlanAssigned, +1 for every PlanChanged.</summary>
    public int PlanVersion { get; init; }
    public PlanProgress Progress { get; init; } = PlanProgress.None;
    public ImmutableArray<Deviation> Deviations { get; init; } = [];

    public ImmutableArray<Annotation> Annotations { get; init; } = [];

    /// <summary>Distinct detections (a message id delivered twice counts once).</summary>
    public int DetectionCount { get; init; }
    /// <summary>Detections that arrived after a detection with a later time.</summary>
    public int LateDetections { get; init; }
    /// <summary>
    /// Detections that arrived older than everything in a full <see cref="Detections"/> window: counted
    /// in <see cref="DetectionCount"/> but neither matched against the plan nor de-duplicated.
    /// </summary>
    public int DetectionsBeyondHistory { get; init; }
    /// <summary>The latest detections ordered by time (bounded, see <see cref="PlantItemsProjection"/>).</summary>
    public ImmutableArray<Detection> Detections { get; init; } = [];

    /// <summary>
    /// The plan match behind <see cref="Progress"/> and <see cref="Deviations"/>, kept in memory so the
    /// next in-order detection extends it. Not persisted: a state read back from the store has none and
    /// its next match starts from the history, giving the same result.
    /// </summary>
    [JsonIgnore]
    internal PlanMatchCursor? PlanMatch { get; init; }

    /// <summary>The message-id hashes of <see cref="Detections"/> for the duplicate check; in memory only, like <see cref="PlanMatch"/>.</summary>
    [JsonIgnore]
    internal MessageIdIndex? MessageIds { get; init; }
}

public sealed record Detection(string MessageId, string Station, DateTimeOffset DetectedAt);

public sealed record Annotation(string Id, string Author, string Text, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string? EditedBy);
