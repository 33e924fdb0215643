using FluentAssertions;
using PlantTracking.Items;
using PlantTracking.Simulation;
using PlantTracking.Stations;
using PlantTracking.Tests.Support;
using Projections.Core;
using Projections.Core.InMemory;
using Projections.Core.Projections;
using Projections.Core.Replay;

namespace PlantTracking.Tests.EndToEnd;

/// <summary>
/// The simulator appends to the in-memory event store while the real engine runs both projections
/// into the in-memory projection store; the stored documents must equal a recomputation from the events.
/// </summary>
public sealed class PlantEngineTests
{
    private static CancellationToken Test => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Both_projections_built_live_by_the_engine_match_a_recomputation_from_the_events()
    {
        var events = new InMemoryEventStore();
        var documents = new InMemoryProjectionStore();
        IProjection[] projections = [new PlantItemsProjection(), new StationLoadProjection()];
        // Plant time is simulated (far ahead of or behind the wall clock), so the wall clock must not move stream time.
        var options = new ProjectionEngineOptions { Partitions = 3, WallClockAdvancesIdleStreamTime = false };
        await using var engine = new ProjectionEngine(events, documents, projections, options);
        await engine.StartAsync(Test);

        await new PlantSimulator(events, new PlantSimulatorOptions
        {
            Seed = 21, Items = 40, Stations = 8, EventsPerSecond = null, TotalEvents = 6_000,
            LateProbability = 0.05, OutOfOrderProbability = 0.05, DuplicateProbability = 0.05, LostProbability = 0.03,
        }).RunAsync(cancellationToken: Test);
        var head = await events.ReadHeadPosition(Test);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Test);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        foreach (var runtime in engine.Runtimes) await runtime.WaitForCheckpoint(head, deadline.Token);
        await engine.StopAsync(Test);

        foreach (var projection in projections)
        {
            var result = await ProjectionVerifier.Verify(projection, events, documents, null, Test);
            result.Mismatches.Should().BeEmpty(projection.Name);
            result.Stored.Should().BePositive();
        }
    }

    [Fact]
    public async Task Restarting_the_engine_between_two_simulator_processes_leaves_documents_that_verify()
    {
        var events = new InMemoryEventStore();
        var documents = new InMemoryProjectionStore();
        IProjection[] projections = [new PlantItemsProjection(), new StationLoadProjection()];
        var options = new ProjectionEngineOptions { Partitions = 2, WallClockAdvancesIdleStreamTime = false };
        var workload = new PlantSimulatorOptions
        {
            Seed = 17, Items = 25, Stations = 6, EventsPerSecond = null, TotalEvents = 2_000,
            LateProbability = 0.05, OutOfOrderProbability = 0.05, DuplicateProbability = 0.05, LostProbability = 0.03,
        };

        for (var round = 0; round < 2; round++)
        {
            // A new simulator each round: the second starts new items, and the first round's items in flight time out.
            await new PlantSimulator(events, workload).RunAsync(cancellationToken: Test);
            var head = await events.ReadHeadPosition(Test);
            await using var engine = new ProjectionEngine(events, documents, projections, options);
            await engine.StartAsync(Test);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Test);
            deadline.CancelAfter(TimeSpan.FromSeconds(60));
            foreach (var runtime in engine.Runtimes) await runtime.WaitForCheckpoint(head, deadline.Token);
            await engine.StopAsync(Test);
        }

        foreach (var projection in projections)
        {
            var result = await ProjectionVerifier.Verify(projection, events, documents, null, Test);
            result.Mismatches.Should().BeEmpty(projection.Name);
        }
        var stored = await documents.LoadDocument(PlantItemsProjection.ProjectionName, 1, "item-000001", Test);
        stored.Should().NotBeNull("the first round's items are kept across the restart");
    }

    [Fact]
    public async Task The_engine_and_the_sequential_reference_fold_agree_on_every_document()
    {
        var events = new InMemoryEventStore();
        var documents = new InMemoryProjectionStore();
        await new PlantSimulator(events, new PlantSimulatorOptions
        {
            Seed = 8, Items = 30, Stations = 6, EventsPerSecond = null, TotalEvents = 4_000, LostProbability = 0.05,
        }).RunAsync(cancellationToken: Test);
        var recorded = new List<Projections.Core.Events.RecordedEvent>();
        await foreach (var e in events.ReadAllForward(null, Projections.Core.Ports.EventFilter.All, Test)) recorded.Add(e);
        recorded.Should().HaveCount(4_000);

        IProjection[] projections = [new PlantItemsProjection(), new StationLoadProjection()];
        var options = new ProjectionEngineOptions { Partitions = 2, WallClockAdvancesIdleStreamTime = false };
        await using (var engine = new ProjectionEngine(events, documents, projections, options))
        {
            await engine.StartAsync(Test);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Test);
            deadline.CancelAfter(TimeSpan.FromSeconds(60));
            foreach (var runtime in engine.Runtimes) await runtime.WaitForCheckpoint(recorded[^1].Position, deadline.Token);
            await engine.StopAsync(Test);
        }

        foreach (var projection in projections)
        {
            var fold = new SequentialFold(projection);
            fold.ApplyAll(recorded);
            var generation = (await documents.EnsureProjection(projection.Name, projection.Indexes, Test)).Active;
            var stored = new Dictionary<string, byte[]>();
            await foreach (var doc in documents.LoadAllDocuments(projection.Name, generation, Test))
                stored[doc.Key] = projection.SerializeState(projection.DeserializeState(doc.StateJson));

            stored.Keys.Should().BeEquivalentTo(fold.States.Keys, projection.Name);
            foreach (var (key, state) in fold.States)
                stored[key].Should().Equal(projection.SerializeState(state), "{0} {1}", projection.Name, key);
        }
    }
}
