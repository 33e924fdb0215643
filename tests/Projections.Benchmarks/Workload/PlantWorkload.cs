using PlantTracking.Items;
using PlantTracking.Simulation;
using Projections.Benchmarks.Running;
using Projections.Core.InMemory;

namespace Projections.Benchmarks.Workload;

/// <summary>
/// The throughput workload: the plant simulator, seeded and unthrottled, appending to an in-memory store;
/// the recorded events are then replayed into whatever store a scenario uses, so every variant and
/// every store reads the same events. Events per item follow from the route length (about half the
/// stations), so the station count sets it: 200 stations give roughly 100 events per item.
/// </summary>
public static class PlantWorkload
{
    public const int Seed = 20260105;

    public static async Task<Workload> Build(int items, int stations, int events, CancellationToken ct)
    {
        var store = new InMemoryEventStore();
        var simulator = new PlantSimulator(store, new PlantSimulatorOptions
        {
            Items = items,
            Stations = stations,
            TotalEvents = events,
            EventsPerSecond = null,
            Seed = Seed,
            AnyRevision = true,
        });
        await simulator.RunAsync(cancellationToken: ct);
        var recorded = await StoreLoader.ReadAll(store, ct);
        var streams = recorded.Select(e => e.StreamId).Distinct().Count();
        Console.WriteLine($"Simulated {recorded.Count:N0} events over {streams:N0} items ({recorded.Count / (double)streams:0} events per item), {stations} stations.");
        return new Workload($"plant simulator, {items:N0} items in flight, {stations} stations, {recorded.Count:N0} events over {streams:N0} items",
            recorded, () => new PlantItemsProjection());
    }
}
