using FluentAssertions;
using PlantTracking.Events;
using PlantTracking.Simulation;
using PlantTracking.Tests.Support;
using Projections.Core.Events;

namespace PlantTracking.Tests.Simulation;

/// <summary>What the simulator appends, checked on a recording test double (not an event store).</summary>
public sealed class SimulatorWorkloadTests
{
    private static readonly PlantSimulatorOptions Clean = new()
    {
        Seed = 7, Items = 15, Stations = 6, EventsPerSecond = null, TotalEvents = 2_000,
        LateProbability = 0, OutOfOrderProbability = 0, DuplicateProbability = 0, SkipStationProbability = 0,
        WrongStationProbability = 0, OverDwellProbability = 0, PlanChangeProbability = 0, AnnotationProbability = 0, LostProbability = 0,
    };

    private static readonly PlantSimulatorOptions Messy = new()
    {
        Seed = 11, Items = 25, Stations = 8, EventsPerSecond = null, TotalEvents = 6_000,
        LateProbability = 0.05, OutOfOrderProbability = 0.05, DuplicateProbability = 0.05, PlanChangeProbability = 0.05,
        AnnotationProbability = 0.1, ScriptAnnotationProbability = 0.2, LostProbability = 0.03,
    };

    private static async Task<(RecordingEventStore Store, SimulationProgress Result)> Run(PlantSimulatorOptions options)
    {
        var store = new RecordingEventStore();
        var result = await new PlantSimulator(store, options).RunAsync(cancellationToken: TestContext.Current.CancellationToken);
        return (store, result);
    }

    [Fact]
    public async Task It_appends_exactly_the_configured_number_of_events_with_exact_expected_revisions()
    {
        var (store, result) = await Run(Messy);

        store.Events.Should().HaveCount(6_000);
        result.EventsAppended.Should().Be(6_000);
        result.Finished.Should().BeTrue();
        var seen = new Dictionary<string, ulong>();
        foreach (var request in store.Calls.SelectMany(c => c))
        {
            var count = (ulong)request.Events.Count;
            if (seen.TryGetValue(request.StreamId, out var last))
            {
                request.Expected.Should().Be(ExpectedRevision.Exact(last));
                seen[request.StreamId] = last + count;
            }
            else
            {
                request.Expected.Should().Be(ExpectedRevision.NoStream);
                seen[request.StreamId] = count - 1;
            }
        }
        store.Calls.Should().OnlyContain(call => call.Select(r => r.StreamId).Distinct().Count() == call.Count, "one request per stream in a batch");
        store.Events.GroupBy(e => e.StreamId).Should().OnlyContain(s => s.First().EventType == PlantEventTypes.ItemRegistered);
    }

    [Fact]
    public async Task A_clean_plant_detects_every_item_along_its_plan_every_few_minutes_in_order_once()
    {
        var (store, _) = await Run(Clean);
        var events = store.Events;

        events.Select(e => e.EventType).Distinct().Should().BeEquivalentTo(
            [PlantEventTypes.ItemRegistered, PlantEventTypes.PlanAssigned, PlantEventTypes.ItemDetected, PlantEventTypes.ItemCompleted]);
        events.Detections().Select(d => d.MessageId).Should().OnlyHaveUniqueItems();
        var moves = new List<(ItemDetected First, ItemDetected Second)>();
        foreach (var stream in events.GroupBy(e => e.StreamId))
        {
            var plan = SimulatedEvents.Plan(stream.First(e => e.EventType == PlantEventTypes.PlanAssigned)).Stations.Select(p => p.Station).ToList();
            var detections = stream.Detections().ToList();
            detections.Select(d => d.Station).Should().Equal(plan.Take(detections.Count), "{0} follows its plan", stream.Key);
            moves.AddRange(detections.Zip(detections.Skip(1)));
            if (stream.Any(e => e.EventType == PlantEventTypes.ItemCompleted)) detections.Should().HaveCount(plan.Count);
        }
        moves.Should().HaveCountGreaterThan(500).And.OnlyContain(p =>
            p.Second.PreviousStation == p.First.Station &&
            p.Second.DetectedAt - p.First.DetectedAt >= TimeSpan.FromMinutes(1) &&
            p.Second.DetectedAt - p.First.DetectedAt <= TimeSpan.FromMinutes(8));
    }

    [Fact]
    public async Task A_messy_plant_has_duplicates_late_and_out_of_order_deliveries_plan_changes_and_annotations()
    {
        var (store, result) = await Run(Messy);
        var events = store.Events;
        var detections = events.Detections().ToList();

        events.Select(e => e.EventType).Distinct().Should().BeEquivalentTo(PlantEventTypes.All);
        var duplicates = detections.Count - detections.Select(d => d.MessageId).Distinct().Count();
        duplicates.Should().BePositive().And.BeLessThanOrEqualTo((int)result.Duplicates);
        detections.GroupBy(d => d.ItemId).Should().Contain(item => item.Zip(item.Skip(1)).Any(p => p.Second.DetectedAt < p.First.DetectedAt),
            "some detections arrive after a later one");
        events.Where(e => e.EventType == PlantEventTypes.AnnotationAdded).Select(SimulatedEvents.Annotation)
            .Should().Contain(a => a.Text == "<script>alert(1)</script>");
        result.LateDeliveries.Should().BePositive();
        result.OutOfOrderDeliveries.Should().BePositive();
        result.PlanChanges.Should().Be(events.Count(e => e.EventType == PlantEventTypes.PlanChanged));
        result.ItemsLost.Should().BePositive();
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_events()
    {
        var (first, _) = await Run(Messy with { TotalEvents = 1_500 });
        var (second, _) = await Run(Messy with { TotalEvents = 1_500 });

        second.Events.Select(e => (e.StreamId, e.EventType, e.EventId, Data: Convert.ToBase64String(e.Data.Span)))
            .Should().Equal(first.Events.Select(e => (e.StreamId, e.EventType, e.EventId, Data: Convert.ToBase64String(e.Data.Span))));
    }

    [Fact]
    public async Task A_seeded_run_starts_at_the_fixed_epoch_or_at_the_given_start_time()
    {
        var (seeded, _) = await Run(Clean with { TotalEvents = 100 });
        var start = new DateTimeOffset(2031, 5, 4, 22, 0, 0, TimeSpan.Zero);
        var (given, _) = await Run(Clean with { TotalEvents = 100, StartTime = start });

        var first = SimulatedEvents.Registration(seeded.Events[0]).RegisteredAt;
        first.Should().BeOnOrAfter(PlantSimulatorOptions.DefaultEpoch).And.BeBefore(PlantSimulatorOptions.DefaultEpoch.AddMinutes(9));
        SimulatedEvents.Registration(given.Events[0]).RegisteredAt.Should().BeOnOrAfter(start).And.BeBefore(start.AddMinutes(9));
    }

    [Fact]
    public async Task Any_revision_mode_appends_without_concurrency_checks()
    {
        var (store, _) = await Run(Clean with { TotalEvents = 300, AnyRevision = true });

        store.Calls.SelectMany(c => c).Should().OnlyContain(r => r.Expected == ExpectedRevision.Any);
    }
}
