using System.Text;
using FluentAssertions;
using PlantTracking.Events;
using PlantTracking.Stations;
using PlantTracking.Tests.Support;
using Projections.Core.Projections;
using static PlantTracking.Tests.Support.Plant;

namespace PlantTracking.Tests.Stations;

public sealed class StationLoadTests
{
    private readonly Harness _h = new(new StationLoadProjection());

    private StationLoad Apply<T>(StationLoad station, T e) where T : notnull => _h.Apply(station, "item-" + ItemOf(e), e, station.Station).State;

    private static string ItemOf(object e) => e switch { ItemDetected d => d.ItemId, ItemCompleted c => c.ItemId, _ => "?" };

    private StationLoad Station(string id) => _h.Initial<StationLoad>(id);

    [Theory]
    [InlineData("B", "A", new[] { "B", "A" })]
    [InlineData("A", null, new[] { "A" })]
    [InlineData("A", "A", new[] { "A" })]
    public void A_detection_applies_to_the_station_reached_and_the_station_left(string station, string? previous, string[] keys)
    {
        _h.Route("item-1", Seen(station, 1, previous)).Keys.Should().Equal(keys);
    }

    [Fact]
    public void A_completion_applies_to_the_station_the_item_left_from()
    {
        _h.Route("item-1", new ItemCompleted("1", "C", At(1))).Keys.Should().Equal("C");
    }

    [Fact]
    public void An_item_is_present_from_its_arrival_until_it_is_detected_at_the_next_station()
    {
        var arrived = Apply(Station("A"), Seen("A", 0));
        var left = Apply(arrived, Seen("B", 6, previous: "A"));

        arrived.ItemsPresent.Should().Be(1);
        arrived.Arrivals.Should().Be(1);
        left.ItemsPresent.Should().Be(0);
        left.Departures.Should().Be(1);
        left.MeanDwell.Should().Be(TimeSpan.FromMinutes(6));
        left.Throughput.Should().Equal(new ThroughputBucket(At(0), 1));
    }

    [Fact]
    public void Mean_dwell_averages_over_all_items()
    {
        var station = Station("A");
        station = Apply(station, Seen("A", 0, item: "1"));
        station = Apply(station, Seen("A", 1, item: "2"));
        station = Apply(station, Seen("B", 4, "A", item: "1"));
        station = Apply(station, Seen("B", 9, "A", item: "2"));

        station.DwellSamples.Should().Be(2);
        station.MeanDwell.Should().Be(TimeSpan.FromMinutes(6));
    }

    [Fact]
    public void A_departure_delivered_before_the_arrival_leaves_the_item_absent_and_counts_its_dwell_once()
    {
        var station = Apply(Station("A"), Seen("B", 6, previous: "A"));
        station = Apply(station, Seen("A", 2));
        station = Apply(station, Seen("A", 2, messageId: "again"));

        station.ItemsPresent.Should().Be(0);
        station.DwellSamples.Should().Be(1);
        station.MeanDwell.Should().Be(TimeSpan.FromMinutes(4));
    }

    [Fact]
    public void Duplicate_arrivals_and_departures_change_nothing()
    {
        var arrived = Apply(Station("A"), Seen("A", 0));
        Apply(arrived, Seen("A", 0)).Should().BeSameAs(arrived);

        var left = Apply(arrived, Seen("B", 5, "A"));
        Apply(left, Seen("B", 5, "A")).Should().BeSameAs(left);
    }

    [Fact]
    public void Completion_is_a_departure()
    {
        var station = Apply(Apply(Station("C"), Seen("C", 0)), new ItemCompleted("1", "C", At(3)));

        station.ItemsPresent.Should().Be(0);
        station.Departures.Should().Be(1);
        station.MeanDwell.Should().Be(TimeSpan.FromMinutes(3));
    }

    [Fact]
    public void An_item_never_seen_leaving_is_presumed_gone_after_the_presence_timeout()
    {
        var (arrived, ctx) = _h.Apply(Station("A"), "item-1", Seen("A", 0), "A");
        ctx.ScheduledDeadline().Should().Be(At(30));

        var (after, timeout) = _h.Timeout(arrived, "A", At(30));

        after.ItemsPresent.Should().Be(0);
        after.ItemsTimedOut.Should().Be(1);
        timeout.ScheduledDeadline().Should().BeNull();
    }

    [Fact]
    public void The_presence_timeout_follows_the_oldest_item_still_present()
    {
        var station = Apply(Apply(Station("A"), Seen("A", 0, item: "1")), Seen("A", 10, item: "2"));

        var (after, timeout) = _h.Timeout(station, "A", At(30));

        after.ItemsPresent.Should().Be(1);
        timeout.ScheduledDeadline().Should().Be(At(40));
        var (_, ctx) = _h.Apply(after, "item-2", Seen("B", 12, "A", item: "2"), "A");
        ctx.CancelledTimeout().Should().BeTrue();
    }

    [Fact]
    public void An_older_arrival_delivered_late_brings_the_presence_check_forward_and_a_newer_one_does_not_move_it()
    {
        var first = Apply(Station("A"), Seen("A", 20, item: "1"));
        var (second, earlier) = _h.Apply(first, "item-2", Seen("A", 5, item: "2"), "A");
        var (_, later) = _h.Apply(second, "item-3", Seen("A", 25, item: "3"), "A");

        first.PresenceCheckAt.Should().Be(At(50));
        earlier.ScheduledDeadline().Should().Be(At(35));
        later.ScheduledDeadline().Should().BeNull();
        later.CancelledTimeout().Should().BeFalse();
    }

    [Fact]
    public void Items_that_left_are_forgotten_beyond_the_retention_count_oldest_first()
    {
        var h = new Harness(new StationLoadProjection(retainedDepartedVisits: 4));
        var station = h.Initial<StationLoad>("A");
        for (var i = 0; i < 10; i++)
        {
            station = h.Apply(station, $"item-{i}", Seen("A", i * 10, item: $"{i}"), "A").State;
            station = h.Apply(station, $"item-{i}", Seen("B", i * 10 + 5, "A", item: $"{i}"), "A").State;
        }

        station.Visits.Count.Should().BeLessThanOrEqualTo(4);
        station.Visits.Keys.Should().Contain("9");
        station.Departures.Should().Be(10);
    }

    [Fact]
    public void Throughput_keeps_only_the_configured_number_of_hours()
    {
        var h = new Harness(new StationLoadProjection(throughputHours: 2));
        var station = h.Initial<StationLoad>("A");
        foreach (var hour in new[] { 0, 1, 2 })
            station = h.Apply(station, "item-1", Seen("B", hour * 60 + 5, "A"), "A").State;

        station.Throughput.Should().Equal(new ThroughputBucket(At(60), 1), new ThroughputBucket(At(120), 1));
    }

    [Fact]
    public void A_state_survives_a_json_round_trip()
    {
        var station = Station("A");
        station = Apply(station, Seen("A", 0, item: "1"));
        station = Apply(station, Seen("A", 3, item: "2"));
        station = Apply(station, Seen("B", 7, "A", item: "1"));

        var back = _h.RoundTrip(station);
        var json = Encoding.UTF8.GetString(_h.Projection.SerializeState(station));

        back.Should().BeEquivalentTo(station);
        back.ItemsPresent.Should().Be(1);
        json.Should().Contain("\"itemsPresent\":1").And.Contain("\"station\":\"A\"");
    }

    [Fact]
    public void Invalid_constructor_arguments_are_rejected_by_name()
    {
        FluentActions.Invoking(() => new StationLoadProjection(TimeSpan.Zero)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("presenceTimeout");
        FluentActions.Invoking(() => new StationLoadProjection(retainedDepartedVisits: 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("retainedDepartedVisits");
        FluentActions.Invoking(() => new StationLoadProjection(throughputHours: 0)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("throughputHours");
    }
}
