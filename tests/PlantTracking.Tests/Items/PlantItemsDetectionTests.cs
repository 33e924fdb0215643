using FluentAssertions;
using PlantTracking.Events;
using PlantTracking.Items;
using PlantTracking.Tests.Support;
using Projections.Core.Projections;
using static PlantTracking.Tests.Support.Plant;

namespace PlantTracking.Tests.Items;

public sealed class PlantItemsDetectionTests
{
    private const string Stream = "item-1";
    private readonly Harness _h = new(new PlantItemsProjection());

    private PlantItem Fold(params object[] events)
    {
        var item = _h.Initial<PlantItem>(Stream);
        foreach (var e in events) item = ApplyAny(item, e);
        return item;
    }

    private PlantItem ApplyAny(PlantItem item, object e) => e switch
    {
        ItemRegistered x => _h.Apply(item, Stream, x).State,
        PlanAssigned x => _h.Apply(item, Stream, x).State,
        PlanChanged x => _h.Apply(item, Stream, x).State,
        ItemDetected x => _h.Apply(item, Stream, x).State,
        ItemCompleted x => _h.Apply(item, Stream, x).State,
        _ => throw new ArgumentException(e.GetType().Name),
    };

    [Fact]
    public void Registration_records_the_item_and_starts_watching_for_loss_from_the_registration_time()
    {
        var (item, ctx) = _h.Apply(_h.Initial<PlantItem>(Stream), Stream, new ItemRegistered("1", "pump", At(0)));

        item.Should().BeEquivalentTo(new { Id = Stream, ItemId = "1", ProductType = "pump", RegisteredAt = At(0), Status = ItemStatus.Active });
        ctx.ScheduledDeadline().Should().Be(At(10));
    }

    [Fact]
    public void Detection_moves_the_item_and_pushes_the_lost_deadline_to_ten_minutes_after_it()
    {
        var (item, ctx) = _h.Apply(Fold(new ItemRegistered("1", "pump", At(0))), Stream, Seen("A", 3));

        item.CurrentStation.Should().Be("A");
        item.LastSeen.Should().Be(At(3));
        item.DetectionCount.Should().Be(1);
        ctx.ScheduledDeadline().Should().Be(At(13));
    }

    [Fact]
    public void A_message_delivered_twice_counts_once_and_leaves_the_state_unchanged()
    {
        var once = Fold(Seen("A", 1, messageId: "m1"), Seen("B", 5, "A", messageId: "m2"));

        var (twice, ctx) = _h.Apply(once, Stream, Seen("A", 1, messageId: "m1"));

        twice.Should().BeSameAs(once);
        twice.DetectionCount.Should().Be(2);
        ctx.ScheduledDeadline().Should().BeNull("a duplicate must not move the deadline");
    }

    [Fact]
    public void Detections_arriving_out_of_order_give_the_same_station_progress_and_deviations_as_in_order()
    {
        var plan = new PlanAssigned("1", Route("A", "B", "C"), At(0));
        var inOrder = Fold(plan, Seen("A", 1), Seen("B", 4, "A"), Seen("C", 8, "B"));
        var shuffled = Fold(plan, Seen("C", 8, "B"), Seen("A", 1), Seen("B", 4, "A"));

        shuffled.CurrentStation.Should().Be("C");
        shuffled.LastSeen.Should().Be(At(8));
        shuffled.Progress.Should().Be(inOrder.Progress);
        shuffled.Progress.VisitedSteps.Should().Be(3);
        shuffled.Deviations.Should().BeEmpty();
        shuffled.Deviations.Should().Equal(inOrder.Deviations);
        shuffled.LateDetections.Should().Be(2);
        inOrder.LateDetections.Should().Be(0);
    }

    [Fact]
    public void A_station_passed_over_is_a_skip_until_a_late_detection_shows_it_was_visited()
    {
        var plan = new PlanAssigned("1", Route("A", "B", "C"), At(0));
        var skipped = Fold(plan, Seen("A", 1), Seen("C", 5, "A"));

        skipped.Deviations.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { Kind = DeviationKind.SkippedStation, Station = "B", At = At(5) });
        skipped.Progress.Should().BeEquivalentTo(new { VisitedSteps = 2, NextExpectedStation = (string?)null });

        var resolved = _h.Apply(skipped, Stream, Seen("B", 3, "A")).State;

        resolved.Deviations.Should().BeEmpty();
        resolved.Progress.VisitedSteps.Should().Be(3);
        resolved.CurrentStation.Should().Be("C", "the late detection is older than the latest one");
    }

    [Fact]
    public void A_planned_station_visited_after_a_later_one_is_out_of_order()
    {
        var item = Fold(new PlanAssigned("1", Route("A", "B", "C"), At(0)), Seen("A", 1), Seen("C", 4, "A"), Seen("B", 8, "C"));

        item.Deviations.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { Kind = DeviationKind.OutOfOrder, Station = "B", At = At(8) });
        item.Progress.VisitedSteps.Should().Be(3);
    }

    [Fact]
    public void A_station_outside_the_plan_is_unexpected_and_names_the_station_the_plan_expected()
    {
        var item = Fold(new PlanAssigned("1", Route("A", "B"), At(0)), Seen("A", 1), Seen("X", 3, "A"));

        item.Deviations.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new { Kind = DeviationKind.UnexpectedStation, Station = "X", ExpectedStation = "B" });
        item.Progress.NextExpectedStation.Should().Be("B");
    }

    [Fact]
    public void Staying_longer_than_the_expected_dwell_is_over_dwell()
    {
        var item = Fold(new PlanAssigned("1", Route("A", "B"), At(0)), Seen("A", 0), Seen("B", 12, "A"));

        item.Deviations.Should().ContainSingle().Which.Should().BeEquivalentTo(new
        {
            Kind = DeviationKind.OverDwell, Station = "A", Dwell = TimeSpan.FromMinutes(12), ExpectedDwell = TimeSpan.FromMinutes(5),
        });
    }

    [Fact]
    public void A_plan_change_re_matches_the_detections_already_seen()
    {
        var before = Fold(new PlanAssigned("1", Route("A", "B", "C"), At(0)), Seen("A", 1), Seen("D", 4, "A"));
        before.Deviations.Should().ContainSingle().Which.Kind.Should().Be(DeviationKind.UnexpectedStation);

        var after = _h.Apply(before, Stream, new PlanChanged("1", Route("A", "D", "C"), At(5), "rework")).State;

        after.Deviations.Should().BeEmpty();
        after.Progress.Should().BeEquivalentTo(new { TotalSteps = 3, VisitedSteps = 2, NextExpectedStation = "C", PercentComplete = 66.7 });
        after.PlanVersion.Should().Be(2);
        after.Plan.Select(p => p.Station).Should().Equal("A", "D", "C");
    }

    [Fact]
    public void Completion_ends_loss_watching_and_reports_planned_stations_never_reached()
    {
        var (item, ctx) = _h.Apply(
            Fold(new PlanAssigned("1", Route("A", "B", "C"), At(0)), Seen("A", 1)), Stream, new ItemCompleted("1", "A", At(3)));

        item.Status.Should().Be(ItemStatus.Completed);
        item.CompletedAt.Should().Be(At(3));
        ctx.CancelledTimeout().Should().BeTrue();
        item.Deviations.Select(d => (d.Kind, d.Station)).Should().Equal(
            (DeviationKind.SkippedStation, "B"), (DeviationKind.SkippedStation, "C"));
    }

    [Fact]
    public void A_detection_after_completion_is_recorded_but_the_item_stays_completed()
    {
        var (item, ctx) = _h.Apply(Fold(Seen("A", 1), new ItemCompleted("1", "A", At(2))), Stream, Seen("B", 3, "A"));

        item.Status.Should().Be(ItemStatus.Completed);
        item.DetectionCount.Should().Be(2);
        ctx.ScheduledDeadline().Should().BeNull();
    }

    [Fact]
    public void The_history_keeps_the_latest_detections_and_counts_older_ones_beyond_it()
    {
        var h = new Harness(new PlantItemsProjection(detectionHistoryLimit: 3));
        var item = h.Initial<PlantItem>(Stream);
        foreach (var minute in new[] { 1, 2, 3, 4 }) item = h.Apply(item, Stream, Seen("S" + minute, minute)).State;

        item.Detections.Select(d => d.Station).Should().Equal("S2", "S3", "S4");
        item.DetectionCount.Should().Be(4);

        item = h.Apply(item, Stream, Seen("S0", 0)).State;

        item.Detections.Select(d => d.Station).Should().Equal("S2", "S3", "S4");
        item.DetectionCount.Should().Be(5);
        item.DetectionsBeyondHistory.Should().Be(1);
    }
}
