using FluentAssertions;
using PlantTracking.Events;
using PlantTracking.Items;
using PlantTracking.Simulation;
using PlantTracking.Stations;
using PlantTracking.Tests.Support;
using Projections.Core.Events;

namespace PlantTracking.Tests.Simulation;

/// <summary>
/// Both projections' handlers folded over a simulated workload with <see cref="SequentialFold"/> (a
/// single-threaded reference fold, not the engine): the read models agree with what was simulated.
/// </summary>
public sealed class SimulatedWorkloadFoldTests
{
    private static async Task<IReadOnlyList<RecordedEvent>> Simulate(PlantSimulatorOptions options)
    {
        var store = new RecordingEventStore();
        await new PlantSimulator(store, options).RunAsync(cancellationToken: TestContext.Current.CancellationToken);
        return store.Events;
    }

    private static readonly PlantSimulatorOptions Messy = new()
    {
        Seed = 5, Items = 30, Stations = 8, EventsPerSecond = null, TotalEvents = 8_000,
        LateProbability = 0.05, OutOfOrderProbability = 0.05, DuplicateProbability = 0.05,
        PlanChangeProbability = 0.05, AnnotationProbability = 0.1, LostProbability = 0.03, ReappearProbability = 0.7,
    };

    [Fact]
    public async Task Plant_items_count_each_message_once_complete_what_completed_and_lose_and_recover_items()
    {
        var events = await Simulate(Messy);
        var fold = new SequentialFold(new PlantItemsProjection());
        fold.ApplyAll(events);
        var items = fold.States.Values.Cast<PlantItem>().ToList();

        foreach (var stream in events.GroupBy(e => e.StreamId))
        {
            var item = (PlantItem)fold.States[stream.Key];
            item.DetectionCount.Should().Be(stream.Detections().Select(d => d.MessageId).Distinct().Count(), stream.Key);
            (item.Status == ItemStatus.Completed).Should().Be(stream.Any(e => e.EventType == PlantEventTypes.ItemCompleted), stream.Key);
        }
        items.Should().Contain(i => i.Status == ItemStatus.Lost);
        items.Should().Contain(i => i.TimesLost > 0 && i.Status != ItemStatus.Lost, "lost items that reappear become active again");
        items.Should().Contain(i => i.Deviations.Length > 0);
        items.SelectMany(i => i.Annotations).Should().Contain(a => a.EditedBy != null);
    }

    [Fact]
    public async Task Folding_the_same_events_twice_gives_byte_identical_documents()
    {
        var events = await Simulate(Messy with { TotalEvents = 3_000 });

        foreach (var projection in new Projections.Core.Projections.IProjection[] { new PlantItemsProjection(), new StationLoadProjection() })
        {
            var first = new SequentialFold(projection);
            var second = new SequentialFold(projection);
            first.ApplyAll(events);
            second.ApplyAll(events);

            second.States.Keys.Should().BeEquivalentTo(first.States.Keys);
            foreach (var (key, state) in first.States)
                projection.SerializeState(second.States[key]).Should().Equal(projection.SerializeState(state), "{0} {1}", projection.Name, key);
        }
    }

    [Fact]
    public async Task Station_load_shows_exactly_the_items_last_detected_there_that_have_not_left_or_timed_out()
    {
        var events = await Simulate(Messy with { LateProbability = 0, OutOfOrderProbability = 0, DuplicateProbability = 0 });
        var projection = new StationLoadProjection();
        var fold = new SequentialFold(projection);
        fold.ApplyAll(events);

        var expected = events.GroupBy(e => e.StreamId)
            .Where(s => s.All(e => e.EventType != PlantEventTypes.ItemCompleted))
            .Select(s => s.Detections().LastOrDefault())
            .Where(d => d is not null && d.DetectedAt + projection.PresenceTimeout > fold.StreamTime)
            .GroupBy(d => d!.Station)
            .ToDictionary(g => g.Key, g => g.Select(d => d!.ItemId).Order().ToList());
        var stations = fold.States.Values.Cast<StationLoad>().ToList();

        foreach (var station in stations)
            station.Visits.Where(v => v.Value.IsPresent).Select(v => v.Key).Order()
                .Should().Equal(expected.GetValueOrDefault(station.Station) ?? [], station.Station);
        stations.Sum(s => s.Departures).Should().BePositive();
        stations.Where(s => s.DwellSamples > 0).Should().OnlyContain(s => s.MeanDwell > TimeSpan.Zero);
        stations.Should().Contain(s => s.ItemsTimedOut > 0, "items that stopped being detected are presumed gone");
    }
}
