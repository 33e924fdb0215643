using FluentAssertions;
using Projections.Core.Projections;
using Projections.Core.Runtime;
using Projections.Core.Testing;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>The public in-memory harness a user tests a projection with: state, documents, timers, poison, and agreement with the engine.</summary>
public sealed class ProjectionScenarioTests
{
    private static readonly DateTimeOffset T0 = Harness.T0;

    [Fact]
    public void Folds_each_stream_into_its_aggregate()
    {
        var scenario = new ProjectionScenario(new CounterProjection())
            .Given("c-1", new Bumped(1))
            .Given("c-2", new Bumped(2))
            .Given("c-1", new Bumped(3));

        scenario.State<Counter>("c-1").Should().Be(new Counter("c-1", 2, "1,3,"));
        scenario.State<Counter>("c-2").Count.Should().Be(1);
        scenario.Keys.Should().Equal("c-1", "c-2");
        scenario.Events.Select(e => (e.StreamId, e.StreamRevision)).Should().Equal(("c-1", 0UL), ("c-2", 0UL), ("c-1", 1UL));
    }

    [Fact]
    public void Events_outside_the_projection_create_nothing()
    {
        var scenario = new ProjectionScenario(new CounterProjection())
            .Given("other-1", new Bumped(1))
            .GivenJson("c-1", "SomethingElse", "{}");

        scenario.Keys.Should().BeEmpty();
        scenario.Has("c-1").Should().BeFalse();
        scenario.Invoking(s => s.State<Counter>("c-1")).Should().Throw<KeyNotFoundException>().WithMessage("*no aggregate 'c-1'*no event created one*");
    }

    [Fact]
    public void Fan_out_applies_one_event_to_every_key()
    {
        var scenario = new ProjectionScenario(new StationProjection())
            .Given("item-1", new ItemSeen("s1", T0))
            .Given("item-2", new ItemSeen("s2", T0))
            .Given("item-1", new ItemSeen("s2", T0));

        scenario.State<Station>("s2").Visits.Should().Be(2);
        scenario.State<Station>("all").Visits.Should().Be(3);
        scenario.Invoking(s => s.State<Station>("s3")).Should().Throw<KeyNotFoundException>().WithMessage("*known: all, s1, s2*");
    }

    [Fact]
    public void A_timeout_fires_once_stream_time_reaches_its_deadline_and_not_before()
    {
        var scenario = new ProjectionScenario(new TrackerProjection())
            .Given("item-1", new ItemSeen("s1", T0));

        scenario.Document("item-1").TimeoutAt.Should().Be(T0 + TrackerProjection.LostAfter);
        scenario.AdvanceStreamTime(TimeSpan.FromMinutes(9));
        scenario.State<Item>("item-1").Status.Should().Be("Active");

        scenario.AdvanceStreamTime(TimeSpan.FromMinutes(2));
        scenario.State<Item>("item-1").Should().Match<Item>(i => i.Status == "Lost" && i.LostAt == T0 + TrackerProjection.LostAfter);
        scenario.Document("item-1").TimeoutAt.Should().BeNull();
        scenario.StreamTime.Should().Be(T0.AddMinutes(11));
    }

    [Fact]
    public void A_later_event_of_another_key_moves_stream_time_and_fires_the_timeout()
    {
        var scenario = new ProjectionScenario(new TrackerProjection())
            .Given("item-1", new ItemSeen("s1", T0))
            .Given("item-2", new ItemSeen("s1", T0.AddMinutes(10)));

        scenario.State<Item>("item-1").Status.Should().Be("Lost");
        scenario.State<Item>("item-2").Status.Should().Be("Active");
    }

    [Fact]
    public void The_document_carries_version_position_timeout_indexes_and_json()
    {
        var scenario = new ProjectionScenario(new TrackerProjection())
            .Given("item-2", new ItemSeen("s9", T0))
            .Given("item-1", new ItemSeen("s1", T0.AddMinutes(1)))
            .Given("item-1", new ItemSeen("s2", T0.AddMinutes(2)));

        var document = scenario.Document("item-1");
        document.Version.Should().Be(2);
        document.Position.Should().Be(Events.GlobalPosition.Of(3));
        document.TimeoutAt.Should().Be(T0.AddMinutes(12));
        document.Indexes.Should().Equal(new Dictionary<string, string?> { ["status"] = "Active", ["station"] = "s2" });
        document.Json.Should().Contain("\"station\":\"s2\"").And.Contain("\"seen\":2");
        document.Reloaded<Item>().Should().Be(scenario.State<Item>("item-1"));
    }

    [Fact]
    public void A_failing_handler_stops_the_scenario_naming_the_event_under_the_stop_policy()
    {
        var scenario = new ProjectionScenario(new CounterProjection()).Given("c-1", new Bumped(1));

        scenario.Invoking(s => s.Given("c-1", new Bumped(2, Fail: true)))
            .Should().Throw<ProjectionFailedException>().WithMessage("*event 1 of stream 'c-1'*bump 2 is bad*");
    }

    [Fact]
    public void A_failing_handler_parks_the_event_under_the_park_policy()
    {
        var scenario = new ProjectionScenario(new CounterProjection(policy: PoisonEventPolicy.Park))
            .Given("c-1", new Bumped(1))
            .Given("c-1", new Bumped(2, Fail: true))
            .Given("c-1", new Bumped(3));

        scenario.Parked.Should().Equal(Events.GlobalPosition.Of(2));
        scenario.State<Counter>("c-1").Trail.Should().Be("1,3,");
    }

    [Fact]
    public async Task Its_documents_are_the_documents_the_engine_stores()
    {
        var scenario = new ProjectionScenario(new TrackerProjection(), start: T0);
        await using var engine = Harness.Create(new TrackerProjection());
        var t = T0;
        for (var i = 0; i < 30; i++)
        {
            t = t.AddMinutes(i % 7 == 0 ? 12 : 1); // some gaps longer than the ten-minute timeout
            var stream = $"item-{i % 4}";
            var e = new ItemSeen($"s{i % 3}", t);
            scenario.Given(stream, e, recorded: t);
            engine.Append(stream, e, created: t);
        }
        scenario.Given("item-2", new ItemDone(), recorded: t);
        engine.Append("item-2", new ItemDone(), created: t);

        await engine.Start();
        await engine.WaitForHead("tracker");
        var stored = await engine.StoredStates("tracker");

        var expected = scenario.Keys.ToDictionary(k => k, k =>
        {
            var d = scenario.Document(k);
            return $"v{d.Version}@{d.Position} t={d.TimeoutAt:O} {d.Json}";
        });
        stored.Should().Equal(expected);
        expected.Values.Should().Contain(s => s.Contains("\"status\":\"Lost\""), "the workload has timeouts that fire");
    }
}
