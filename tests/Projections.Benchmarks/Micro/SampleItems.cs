using System.Text.Json;
using PlantTracking.Events;
using PlantTracking.Items;
using PlantTracking.Serialization;
using Projections.Benchmarks.Baselines;
using Projections.Core.Events;
using Projections.Core.Projections;

namespace Projections.Benchmarks.Micro;

/// <summary>Realistic inputs for the micro-benchmarks: detection payloads and an item state built by the projection's own handlers.</summary>
public static class SampleItems
{
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 6, 0, 0, TimeSpan.Zero);

    public static byte[] DetectionJson(int item, int n) => JsonSerializer.SerializeToUtf8Bytes(
        new ItemDetected($"I{item:D7}", $"S{n % 20:D2}", n == 0 ? null : $"S{(n - 1) % 20:D2}", Start.AddMinutes(n), $"m-{item}-{n}"),
        PlantJsonContext.Default.ItemDetected);

    public static RecordedEvent Recorded(string type, byte[] data, ulong position) =>
        new("item-I0000001", position, GlobalPosition.Of(position), Guid.NewGuid(), type, data, default, Start);

    /// <summary>An item registered, planned over 20 stations and detected <paramref name="detections"/> times.</summary>
    public static PlantItem Item(IProjection projection, int detections)
    {
        var plan = Enumerable.Range(0, 20).Select(s => new PlannedStation($"S{s:D2}", TimeSpan.FromMinutes(1))).ToArray();
        var events = new List<(string Type, byte[] Data)>
        {
            (PlantEventTypes.ItemRegistered, JsonSerializer.SerializeToUtf8Bytes(new ItemRegistered("I0000001", "P1", Start), PlantJsonContext.Default.ItemRegistered)),
            (PlantEventTypes.PlanAssigned, JsonSerializer.SerializeToUtf8Bytes(new PlanAssigned("I0000001", plan, Start), PlantJsonContext.Default.PlanAssigned)),
        };
        for (var n = 0; n < detections; n++) events.Add((PlantEventTypes.ItemDetected, DetectionJson(1, n)));

        var state = projection.CreateInitialState("item-I0000001");
        var context = new EventContext();
        ulong position = 0;
        foreach (var (type, data) in events)
        {
            projection.TryGetHandler(type, out var handler);
            var recorded = Recorded(type, data, ++position);
            var payload = handler.Deserialize(data);
            var time = handler.EventTime(recorded, payload);
            EventContextAccess.Reset(context, recorded.StreamId, recorded, time, time);
            state = handler.Apply(state, payload, context);
        }
        return (PlantItem)state;
    }
}
