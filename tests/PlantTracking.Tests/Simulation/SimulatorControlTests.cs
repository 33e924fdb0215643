using FluentAssertions;
using Microsoft.Extensions.Time.Testing;
using PlantTracking.Events;
using PlantTracking.Simulation;
using PlantTracking.Tests.Support;

namespace PlantTracking.Tests.Simulation;

/// <summary>Stopping, resuming, pacing and options of the simulator, on a recording test double.</summary>
public sealed class SimulatorControlTests
{
    private static readonly PlantSimulatorOptions Unthrottled = new() { Seed = 3, Items = 10, Stations = 5, EventsPerSecond = null, ProgressInterval = TimeSpan.Zero };

    private static CancellationToken Test => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cancelling_stops_the_run_and_a_second_run_continues_the_same_items_and_plant_time()
    {
        var store = new RecordingEventStore();
        var simulator = new PlantSimulator(store, Unthrottled);

        var first = await RunUntil(simulator, appended: 1_000);
        var afterFirst = store.Events.Count;
        var plantTime = simulator.PlantTime;
        var second = await RunUntil(simulator, appended: 1_000);

        first.Finished.Should().BeTrue();
        afterFirst.Should().Be((int)first.EventsAppended).And.BeGreaterThanOrEqualTo(1_000);
        store.Events.Should().HaveCount((int)(first.EventsAppended + second.EventsAppended));
        second.TotalEventsAppended.Should().Be(store.Events.Count);
        simulator.PlantTime.Should().BeAfter(plantTime);
        store.Events.Skip(afterFirst).Should().Contain(e => e.EventType == PlantEventTypes.ItemDetected && store.Events.Take(afterFirst).Any(old => old.StreamId == e.StreamId),
            "items in flight keep moving in the second run");
    }

    [Fact]
    public async Task A_new_simulator_over_a_used_store_numbers_new_items_after_the_existing_ones_and_later_in_plant_time()
    {
        var store = new RecordingEventStore();
        await new PlantSimulator(store, Unthrottled with { TotalEvents = 500 }).RunAsync(cancellationToken: Test);
        var before = store.Events.Where(e => e.EventType == PlantEventTypes.ItemRegistered).Select(SimulatedEvents.Registration).ToList();

        await new PlantSimulator(store, Unthrottled with { TotalEvents = 500 }).RunAsync(cancellationToken: Test);

        var after = store.Events.Skip(500).Where(e => e.EventType == PlantEventTypes.ItemRegistered).Select(SimulatedEvents.Registration).ToList();
        after.Should().NotBeEmpty();
        after.Min(r => long.Parse(r.ItemId)).Should().Be(before.Max(r => long.Parse(r.ItemId)) + 1);
        after.Min(r => r.RegisteredAt).Should().BeAfter(before.Max(r => r.RegisteredAt));
        store.Events.Should().HaveCount(1_000);
    }

    [Fact]
    public async Task A_server_outage_is_waited_out_and_every_event_is_appended_once()
    {
        var store = new RecordingEventStore();
        var simulator = new PlantSimulator(store, Unthrottled with { TotalEvents = 1_000, BatchSize = 100 });
        store.UnavailableCalls = 2;

        var result = await simulator.RunAsync(cancellationToken: Test);

        result.EventsAppended.Should().Be(1_000);
        store.Events.Should().HaveCount(1_000);
        store.Events.Select(e => e.EventId).Should().OnlyHaveUniqueItems();
        store.Calls[0].Should().BeEquivalentTo(store.Calls[2], "the failed batch is repeated as it was, with the same event ids");
    }

    [Fact]
    public async Task Progress_is_reported_as_events_are_appended_and_once_more_at_the_end()
    {
        var reports = new List<SimulationProgress>();
        await new PlantSimulator(new RecordingEventStore(), Unthrottled with { TotalEvents = 2_000, BatchSize = 100 })
            .RunAsync(new SimulatedEvents.Progress<SimulationProgress>(reports.Add), Test);

        reports.Should().HaveCountGreaterThan(10);
        reports.Select(r => r.EventsAppended).Should().BeInAscendingOrder();
        reports[^1].Should().Match<SimulationProgress>(r => r.Finished && r.EventsAppended == 2_000);
        reports.Take(reports.Count - 1).Should().OnlyContain(r => !r.Finished);
    }

    [Fact]
    public async Task The_target_rate_paces_appends_on_the_given_clock()
    {
        var clock = new FakeTimeProvider();
        var run = new PlantSimulator(new RecordingEventStore(), Unthrottled with { EventsPerSecond = 1_000, TotalEvents = 2_000 }, clock)
            .RunAsync(cancellationToken: Test);

        var result = await AdvanceUntilDone(clock, run);

        result.EventsAppended.Should().Be(2_000);
        result.Elapsed.Should().BeCloseTo(TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(50));
        result.EventsPerSecond.Should().BeApproximately(1_000, 25);
    }

    [Fact]
    public async Task A_duration_stops_the_run_after_that_much_time()
    {
        var clock = new FakeTimeProvider();
        var run = new PlantSimulator(new RecordingEventStore(), Unthrottled with { EventsPerSecond = 400, Duration = TimeSpan.FromSeconds(1) }, clock)
            .RunAsync(cancellationToken: Test);

        var result = await AdvanceUntilDone(clock, run);

        result.Elapsed.Should().BeCloseTo(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(50));
        result.EventsAppended.Should().BeInRange(380, 420);
    }

    [Fact]
    public async Task An_unreadable_registration_in_the_store_stops_the_simulator_with_the_event_named()
    {
        var store = new RecordingEventStore();
        await store.Append("item-000001", Projections.Core.Events.ExpectedRevision.NoStream,
            [new Projections.Core.Events.EventData(Guid.NewGuid(), PlantEventTypes.ItemRegistered, "not json"u8.ToArray())], Test);

        var run = () => new PlantSimulator(store, Unthrottled with { TotalEvents = 10 }).RunAsync(cancellationToken: Test);

        (await run.Should().ThrowAsync<InvalidDataException>()).Which.Message.Should().Contain("item-000001").And.Contain("ItemRegistered");
        store.Events.Should().HaveCount(1, "nothing is appended after the error");
    }

    public static TheoryData<PlantSimulatorOptions, string> InvalidOptions => new()
    {
        { new PlantSimulatorOptions { Items = 0 }, "Items" },
        { new PlantSimulatorOptions { Stations = 1 }, "Stations" },
        { new PlantSimulatorOptions { EventsPerSecond = 0 }, "EventsPerSecond" },
        { new PlantSimulatorOptions { TotalEvents = 0 }, "TotalEvents" },
        { new PlantSimulatorOptions { Duration = TimeSpan.Zero }, "Duration" },
        { new PlantSimulatorOptions { BatchSize = 0 }, "BatchSize" },
        { new PlantSimulatorOptions { DuplicateProbability = 1.5 }, "DuplicateProbability" },
        { new PlantSimulatorOptions { MinDwell = TimeSpan.FromMinutes(9), MaxDwell = TimeSpan.FromMinutes(8) }, "MinDwell" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_options_are_rejected_with_the_option_named(PlantSimulatorOptions options, string name)
    {
        var create = () => new PlantSimulator(new RecordingEventStore(), options);

        create.Should().Throw<ArgumentException>().Where(e => e.ParamName == name && e.Message.Contains(name));
    }

    private static async Task<SimulationProgress> RunUntil(PlantSimulator simulator, int appended)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Test);
        var progress = new SimulatedEvents.Progress<SimulationProgress>(p => { if (p.EventsAppended >= appended) stop.Cancel(); });
        return await simulator.RunAsync(progress, stop.Token);
    }

    /// <summary>Moves the fake clock in small steps until the run completes (bounded by a real-time deadline).</summary>
    private static async Task<SimulationProgress> AdvanceUntilDone(FakeTimeProvider clock, Task<SimulationProgress> run)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Test);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        while (!run.IsCompleted)
        {
            deadline.Token.ThrowIfCancellationRequested();
            clock.Advance(TimeSpan.FromMilliseconds(5));
            await Task.Delay(1, deadline.Token);
        }
        return await run;
    }
}
