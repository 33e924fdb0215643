using FluentAssertions;
using PlantTracking.Items;
using PlantTracking.Simulation;
using PlantTracking.Tests.Support;
using Projections.Core.Events;
using Projections.Core.InMemory;
using Projections.Core.Ports;

namespace PlantTracking.Tests.Items;

/// <summary>
/// Property: extending the previous plan match (and message-id index) for in-order detections gives
/// byte-identical item documents to rebuilding both from the history on every event, over random simulated workloads with
/// late, out-of-order and duplicate deliveries and plan changes (fixed seeds, so failures reproduce).
/// </summary>
public sealed class IncrementalPlanMatchTests
{
    private static PlantSimulatorOptions Workload(int seed) => new()
    {
        Seed = seed, Items = 15, Stations = 10, EventsPerSecond = null, TotalEvents = 2_500,
        LateProbability = 0.08, OutOfOrderProbability = 0.08, DuplicateProbability = 0.08,
        PlanChangeProbability = 0.08, SkipStationProbability = 0.08, WrongStationProbability = 0.05,
        OverDwellProbability = 0.2, LostProbability = 0.02, ReappearProbability = 0.8,
    };

    private static async Task<List<RecordedEvent>> Simulate(PlantSimulatorOptions options)
    {
        var store = new InMemoryEventStore();
        var ct = TestContext.Current.CancellationToken;
        await new PlantSimulator(store, options).RunAsync(cancellationToken: ct);
        var events = new List<RecordedEvent>();
        await foreach (var e in store.ReadAllForward(null, EventFilter.All, ct)) events.Add(e);
        return events;
    }

    private static object ForgetInMemoryCaches(object state) => state is PlantItem item ? item with { PlanMatch = null, MessageIds = null } : state;

    [Theory]
    [InlineData(1, PlantItemsProjection.DefaultDetectionHistoryLimit)]
    [InlineData(2, PlantItemsProjection.DefaultDetectionHistoryLimit)]
    [InlineData(3, PlantItemsProjection.DefaultDetectionHistoryLimit)]
    [InlineData(4, 5)]
    [InlineData(5, 3)]
    public async Task Incremental_matching_gives_the_same_documents_as_rematching_the_whole_history_after_every_event(int seed, int historyLimit)
    {
        var events = await Simulate(Workload(seed));
        var projection = new PlantItemsProjection(detectionHistoryLimit: historyLimit);
        var incremental = new SequentialFold(projection);
        var fromScratch = new SequentialFold(projection, ForgetInMemoryCaches);

        foreach (var e in events)
        {
            incremental.Apply(e);
            fromScratch.Apply(e);
            if (incremental.States.TryGetValue(e.StreamId, out var state))
                projection.SerializeState(state).Should().Equal(projection.SerializeState(fromScratch.States[e.StreamId]),
                    "seed {0}: {1} after event {2} ({3})", seed, e.StreamId, e.Position, e.EventType);
        }

        fromScratch.States.Keys.Should().BeEquivalentTo(incremental.States.Keys);
        foreach (var (key, state) in incremental.States)
            projection.SerializeState(state).Should().Equal(projection.SerializeState(fromScratch.States[key]), "seed {0}: {1} at the end", seed, key);

        var items = incremental.States.Values.Cast<PlantItem>().ToList();
        items.Should().Contain(i => i.PlanVersion > 1, "the workload changes plans");
        items.Should().Contain(i => i.LateDetections > 0, "the workload delivers detections out of order");
        items.Should().Contain(i => i.Deviations.Any(d => d.Kind == DeviationKind.OverDwell), "in-order detections extend the latest visit's dwell");
        if (historyLimit < 20)
            items.Should().Contain(i => i.Detections.Length == historyLimit && i.DetectionCount > historyLimit, "full histories drop their oldest detection");
    }

    [Theory]
    [InlineData(6, PlantItemsProjection.DefaultDetectionHistoryLimit)]
    [InlineData(7, 8)]
    public async Task Incremental_matching_agrees_with_the_original_whole_history_matcher(int seed, int historyLimit)
    {
        var events = await Simulate(Workload(seed));
        var projection = new PlantItemsProjection(detectionHistoryLimit: historyLimit);
        var fold = new SequentialFold(projection);
        fold.ApplyAll(events);

        foreach (var item in fold.States.Values.Cast<PlantItem>())
        {
            var expected = ReferencePlanMatcher.Match(item.Plan, item.Detections, item.Status == ItemStatus.Completed ? item.CompletedAt : null);
            var reference = item with { Progress = expected.Progress, Deviations = expected.Deviations };
            projection.SerializeState(item).Should().Equal(projection.SerializeState(reference), "seed {0}: {1}", seed, item.Id);
        }
    }
}
