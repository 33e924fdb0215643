namespace PlantTracking.Events;

/// <summary>An item entered the plant.</summary>
public sealed record ItemRegistered(string ItemId, string ProductType, DateTimeOffset RegisteredAt);

/// <summary>
/// The plant's tracking system saw the item at <paramref name="Station"/>. <paramref name="PreviousStation"/>
/// is the station the tracking system believes the item came from (null for the first detection).
/// <paramref name="MessageId"/> identifies the upstream message: the same detection may be delivered more
/// than once and detections may arrive out of order.
/// </summary>
public sealed record ItemDetected(string ItemId, string Station, string? PreviousStation, DateTimeOffset DetectedAt, string MessageId);

/// <summary>The item left the plant; <paramref name="Station"/> is the station it left from.</summary>
public sealed record ItemCompleted(string ItemId, string Station, DateTimeOffset CompletedAt);
