using System.Text.Json;
using PlantTracking.Events;
using PlantTracking.Serialization;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace PlantTracking.Tests.Web.Plant;

/// <summary>Appends plant events to the host's event store, as the plant's tracking system would.</summary>
public sealed class PlantEvents(IEventStore store)
{
    public Task Register(string itemId, DateTimeOffset at) =>
        Append(itemId, PlantEventTypes.ItemRegistered, new ItemRegistered(itemId, "frame", at), PlantJsonContext.Default.ItemRegistered);

    public Task AssignPlan(string itemId, IReadOnlyList<string> stations, DateTimeOffset at) =>
        Append(itemId, PlantEventTypes.PlanAssigned,
            new PlanAssigned(itemId, stations.Select(s => new PlannedStation(s, TimeSpan.FromMinutes(4))).ToArray(), at), PlantJsonContext.Default.PlanAssigned);

    /// <summary>A detection; with <paramref name="previousStation"/>, the item moved from there (station-load applies it to both stations).</summary>
    public Task Detect(string itemId, string station, DateTimeOffset at, string? previousStation = null) =>
        Append(itemId, PlantEventTypes.ItemDetected, new ItemDetected(itemId, station, previousStation, at, Guid.NewGuid().ToString("N")), PlantJsonContext.Default.ItemDetected);

    public Task Annotate(string itemId, string text, DateTimeOffset at) =>
        Append(itemId, PlantEventTypes.AnnotationAdded, new AnnotationAdded(itemId, Guid.NewGuid().ToString("N"), "tester", text, at), PlantJsonContext.Default.AnnotationAdded);

    public Task Complete(string itemId, string station, DateTimeOffset at) =>
        Append(itemId, PlantEventTypes.ItemCompleted, new ItemCompleted(itemId, station, at), PlantJsonContext.Default.ItemCompleted);

    private async Task Append<T>(string itemId, string type, T payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        var data = JsonSerializer.SerializeToUtf8Bytes(payload, typeInfo);
        await store.Append(PlantStreams.ForItem(itemId), ExpectedRevision.Any, [new EventData(Guid.NewGuid(), type, data)], CancellationToken.None);
    }
}
