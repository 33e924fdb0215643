using PlantTracking.Events;

namespace PlantTracking.Simulation;

/// <summary>What the simulator knows about one item it drives (mutable, simulator-private).</summary>
internal sealed class SimulatedItem(string itemId)
{
    public string ItemId { get; } = itemId;
    public string StreamId { get; } = PlantStreams.ForItem(itemId);
    /// <summary>Revision of the stream's last appended event; null while the stream does not exist.</summary>
    public ulong? Revision { get; set; }
    public bool Registered { get; set; }
    public List<PlannedStation> Plan { get; set; } = [];
    /// <summary>Index in <see cref="Plan"/> of the station the item goes to next.</summary>
    public int NextStep { get; set; }
    public string? LastStation { get; set; }
    public List<string> Annotations { get; } = [];
    public int AnnotationsCreated { get; set; }
    /// <summary>Plant time of the item's next move (its agenda entry).</summary>
    public DateTimeOffset NextMoveAt { get; set; }
}

/// <summary>One event on its way to the store.</summary>
internal sealed record PendingEvent(SimulatedItem Item, string EventType, byte[] Data);
