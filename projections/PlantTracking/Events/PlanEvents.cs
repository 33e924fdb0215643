namespace PlantTracking.Events;

/// <summary>One step of an item's route: the station and how long the item is expected to stay there.</summary>
public sealed record PlannedStation(string Station, TimeSpan ExpectedDwell);

/// <summary>The item's route through the plant, in order.</summary>
public sealed record PlanAssigned(string ItemId, IReadOnlyList<PlannedStation> Stations, DateTimeOffset AssignedAt);

/// <summary>The route was replaced (the whole new route, including steps already done).</summary>
public sealed record PlanChanged(string ItemId, IReadOnlyList<PlannedStation> Stations, DateTimeOffset ChangedAt, string? Reason);
