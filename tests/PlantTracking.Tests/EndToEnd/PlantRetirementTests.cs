using FluentAssertions;
using PlantTracking.Items;
using PlantTracking.Simulation;
using Projections.Core;
using Projections.Core.InMemory;
using Projections.Core.Projections;
using Projections.Core.Replay;

namespace PlantTracking.Tests.EndToEnd;

/// <summary>The plant sample retires completed items: memory holds the items in flight, the store every item, and verify agrees.</summary>
public sealed class PlantRetirementTests
{
    private static CancellationToken Test => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Completed_items_leave_memory_and_the_store_still_matches_the_reference_fold()
    {
        var events = new InMemoryEventStore();
        var documents = new InMemoryProjectionStore();
        IProjection items = new PlantItemsProjection(retireCompletedAfter: TimeSpan.FromMinutes(1));
        var options = new ProjectionEngineOptions { Partitions = 2, WallClockAdvancesIdleStreamTime = false };
        await using var engine = new ProjectionEngine(events, documents, [items], options);
        await engine.StartAsync(Test);

        await new PlantSimulator(events, new PlantSimulatorOptions
        {
            Seed = 5, Items = 20, Stations = 6, EventsPerSecond = null, TotalEvents = 4_000,
            LateProbability = 0.05, DuplicateProbability = 0.05, LostProbability = 0.03,
        }).RunAsync(cancellationToken: Test);
        var head = await events.ReadHeadPosition(Test);
        var runtime = engine.Find(PlantItemsProjection.ProjectionName)!;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Test);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        await runtime.WaitForCheckpoint(head, deadline.Token);
        // Items finish retiring on the partitions' next step once their last flush has landed: a few more events give every partition one.
        await new PlantSimulator(events, new PlantSimulatorOptions { Seed = 6, Items = 2, Stations = 6, EventsPerSecond = null, TotalEvents = 20 })
            .RunAsync(cancellationToken: Test);
        await runtime.WaitForCheckpoint(await events.ReadHeadPosition(Test), deadline.Token);

        var stored = await documents.LoadAllDocuments(items.Name, 1, Test).CountAsync(Test);
        var stats = runtime.GetStats();
        stats.RetiredAggregates.Should().BePositive();
        stats.LiveAggregates.Should().BeLessThan(stored / 2, "most items are completed and retired; the store keeps them all");
        await engine.StopAsync(Test);

        (await ProjectionVerifier.Verify(items, events, documents, null, Test)).Mismatches.Should().BeEmpty();
    }
}
