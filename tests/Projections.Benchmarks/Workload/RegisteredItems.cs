using System.Text.Json;
using PlantTracking.Events;
using PlantTracking.Items;
using PlantTracking.Serialization;
using Projections.Benchmarks.Running;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Benchmarks.Workload;

/// <summary>
/// The memory scenario's workload: N items that entered the plant (ItemRegistered, then a first
/// ItemDetected), so plant-items holds exactly N live aggregates. Written straight to the store: the
/// simulator's timing and variety add nothing to a memory count and would take long at a million items.
/// </summary>
public static class RegisteredItems
{
    private const int RequestsPerAppend = 1000;

    public static async Task<Workload> Populate(IEventStore store, int items, int stations, CancellationToken ct)
    {
        var start = new DateTimeOffset(2026, 1, 5, 6, 0, 0, TimeSpan.Zero);
        var batch = new List<AppendRequest>(RequestsPerAppend);
        for (var i = 0; i < items; i++)
        {
            var itemId = $"I{i:D7}";
            // 0.5 ms apart: a million items fit in 500 s of plant time, under the 10-minute lost timeout, so every timer stays armed.
            var at = start.AddTicks(i * 5_000L);
            var station = $"S{i % stations:D2}";
            batch.Add(new AppendRequest(PlantStreams.ForItem(itemId), ExpectedRevision.NoStream,
            [
                Event(PlantEventTypes.ItemRegistered, new ItemRegistered(itemId, "P" + (i % 7), at), PlantJsonContext.Default.ItemRegistered),
                Event(PlantEventTypes.ItemDetected, new ItemDetected(itemId, station, null, at.AddSeconds(1), $"m-{i}-0"), PlantJsonContext.Default.ItemDetected),
            ]));
            if (batch.Count == RequestsPerAppend) { await store.AppendMany(batch, ct); batch = new List<AppendRequest>(RequestsPerAppend); }
        }
        if (batch.Count > 0) await store.AppendMany(batch, ct);

        var events = await StoreLoader.ReadAll(store, ct);
        return new Workload($"{items:N0} registered and detected items", events, () => new PlantItemsProjection());
    }

    private static EventData Event<T>(string type, T payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) =>
        new(Guid.NewGuid(), type, JsonSerializer.SerializeToUtf8Bytes(payload, info));
}
