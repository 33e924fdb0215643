using FluentAssertions;
using Projections.Core.Tests.Support;
using Projections.Core.Timers;

namespace Projections.Core.Tests;

/// <summary>Invariant 6 for timers: an aggregate that reschedules its timeout on every event holds one pending timer, not one per event.</summary>
public sealed class TimerQueueTests
{
    [Fact]
    public void Rescheduling_later_and_later_keeps_one_pending_timer_and_the_last_deadline_still_fires()
    {
        var queue = new TimerQueue();
        DateTimeOffset? current = null;
        for (var i = 1; i <= 1000; i++)
        {
            current = Harness.T0.AddSeconds(i);
            queue.Arm("item-1", current.Value);
        }
        queue.Count.Should().Be(1, "later deadlines fold into the pending earlier one");

        var fired = new List<DateTimeOffset>();
        while (queue.TryTakeDue(DateTimeOffset.MaxValue, out var key, out var deadline))
        {
            if (deadline != current) { queue.RearmIfLater(key, deadline, current); continue; }
            fired.Add(deadline);
            current = null;
        }
        fired.Should().Equal(Harness.T0.AddSeconds(1000));
    }

    [Fact]
    public void An_earlier_deadline_is_armed_even_when_a_later_one_is_pending()
    {
        var queue = new TimerQueue();
        queue.Arm("item-1", Harness.T0.AddMinutes(10));
        queue.Arm("item-1", Harness.T0.AddMinutes(5));

        queue.TryTakeDue(Harness.T0.AddMinutes(5), out _, out var deadline).Should().BeTrue();
        deadline.Should().Be(Harness.T0.AddMinutes(5));
    }
}
