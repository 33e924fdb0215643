using FluentAssertions;
using Projections.Core.Events;
using Projections.EventStoreDb.Operations;

namespace Projections.EventStoreDb.Tests.Unit;

public sealed class PositionOrderingTests
{
    [Fact]
    public void Positions_order_by_commit_then_prepare()
    {
        var positions = new[]
        {
            new GlobalPosition(300, 300), new GlobalPosition(100, 100), new GlobalPosition(200, 180), new GlobalPosition(200, 150),
        };

        positions.Order().Should().Equal(
            new GlobalPosition(100, 100), new GlobalPosition(200, 150), new GlobalPosition(200, 180), new GlobalPosition(300, 300));
    }

    [Fact]
    public void A_checkpoint_with_prepare_zero_sorts_after_earlier_events_and_before_an_event_at_its_commit()
    {
        // 23.10 sends most checkpoints as (commit, 0).
        var checkpoint = new GlobalPosition(3581031, 0);

        checkpoint.Should().BeGreaterThan(new GlobalPosition(3580000, 3580000));
        checkpoint.Should().BeLessThan(new GlobalPosition(3581031, 3581031));
    }

    [Fact]
    public void Caught_up_without_a_server_message_is_reported_once_the_head_is_reached()
    {
        var tracker = new CaughtUpTracker();
        tracker.ExpectHead(new GlobalPosition(500, 500));

        tracker.AlreadyThere(new GlobalPosition(100, 100)).Should().BeFalse();
        tracker.ReachedBy(new GlobalPosition(400, 400)).Should().BeFalse();
        tracker.ReachedBy(new GlobalPosition(500, 500)).Should().BeTrue();
        tracker.ReachedBy(new GlobalPosition(600, 600)).Should().BeFalse("it is reported once");
    }

    [Fact]
    public void After_a_reconnect_caught_up_is_reported_again_at_the_new_head()
    {
        var tracker = new CaughtUpTracker();
        tracker.ExpectHead(new GlobalPosition(500, 500));
        tracker.ReachedBy(new GlobalPosition(500, 500)).Should().BeTrue();

        tracker.Rearm();
        tracker.ExpectHead(new GlobalPosition(900, 900));

        tracker.ReachedBy(new GlobalPosition(600, 600)).Should().BeFalse("the head read at the resubscription is not reached yet");
        tracker.ReachedBy(new GlobalPosition(900, 900)).Should().BeTrue();
    }

    [Fact]
    public void Caught_up_is_immediate_when_the_store_is_empty_or_the_start_is_past_the_head()
    {
        var empty = new CaughtUpTracker();
        empty.ExpectHead(GlobalPosition.Start);
        empty.AlreadyThere(null).Should().BeTrue();

        var atHead = new CaughtUpTracker();
        atHead.ExpectHead(new GlobalPosition(500, 500));
        atHead.AlreadyThere(new GlobalPosition(500, 500)).Should().BeTrue();
    }

    [Fact]
    public void Without_a_head_to_compare_the_tracker_never_claims_caught_up()
    {
        var tracker = new CaughtUpTracker();

        tracker.AlreadyThere(null).Should().BeFalse();
        tracker.ReachedBy(new GlobalPosition(1, 1)).Should().BeFalse();
    }
}
