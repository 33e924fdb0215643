using FluentAssertions;
using Projections.Core.Tests.Support;
using Projections.Core.Timers;

namespace Projections.Core.Tests;

/// <summary>Invariant 6 for timers: a key holds one armed deadline, and stale heap entries are compacted away.</summary>
public sealed class TimerQueueTests
{
    [Fact]
    public void Rescheduling_later_and_later_keeps_one_armed_deadline_a_bounded_heap_and_only_the_last_fires()
    {
        var queue = new TimerQueue();
        for (var i = 1; i <= 100_000; i++) queue.Arm("item-1", Harness.T0.AddSeconds(i));

        queue.Count.Should().Be(1);
        queue.HeapSize.Should().BeLessThan(2_000, "stale entries are compacted away");
        var fired = new List<DateTimeOffset>();
        while (queue.TryTakeDue(DateTimeOffset.MaxValue, out _, out var deadline)) fired.Add(deadline);
        fired.Should().Equal(Harness.T0.AddSeconds(100_000));
    }

    [Fact]
    public void An_earlier_deadline_replaces_a_later_one()
    {
        var queue = new TimerQueue();
        queue.Arm("item-1", Harness.T0.AddMinutes(10));
        queue.Arm("item-1", Harness.T0.AddMinutes(5));

        queue.TryTakeDue(Harness.T0.AddMinutes(5), out _, out var deadline).Should().BeTrue();
        deadline.Should().Be(Harness.T0.AddMinutes(5));
        queue.TryTakeDue(DateTimeOffset.MaxValue, out _, out _).Should().BeFalse("the later deadline was replaced");
    }

    [Fact]
    public void Disarmed_keys_cost_nothing_once_compacted_and_never_fire()
    {
        var queue = new TimerQueue();
        for (var i = 0; i < 100_000; i++) queue.Arm($"item-{i}", Harness.T0.AddSeconds(i));
        for (var i = 0; i < 100_000; i++)
            if (i % 100 != 0) queue.Disarm($"item-{i}");

        queue.Count.Should().Be(1_000);
        queue.HeapSize.Should().BeLessThan(4_000);
        var fired = new List<string>();
        while (queue.TryTakeDue(DateTimeOffset.MaxValue, out var key, out _)) fired.Add(key);
        fired.Should().HaveCount(1_000).And.OnlyContain(k => int.Parse(k.Substring(5)) % 100 == 0);
    }

    [Fact]
    public void Moving_deadlines_later_adds_no_heap_entries_and_each_key_fires_once_at_its_last_deadline()
    {
        var queue = new TimerQueue();
        for (var round = 1; round <= 10; round++)
            for (var i = 0; i < 1_000; i++) queue.Arm($"item-{i}", Harness.T0.AddSeconds(round * 10_000 + i));

        queue.HeapSize.Should().Be(1_000, "a watchdog re-armed on every event costs one heap entry per key, not one per event");
        var fired = new List<(string Key, DateTimeOffset At)>();
        while (queue.TryTakeDue(DateTimeOffset.MaxValue, out var key, out var deadline)) fired.Add((key, deadline));
        fired.Should().Equal(Enumerable.Range(0, 1_000).Select(i => ($"item-{i}", Harness.T0.AddSeconds(100_000 + i))));
        queue.HeapSize.Should().Be(0);
    }

    [Fact]
    public void A_deadline_moved_later_then_earlier_fires_at_the_earlier_one_in_order_with_other_keys()
    {
        var queue = new TimerQueue();
        queue.Arm("a", Harness.T0.AddMinutes(1));
        queue.Arm("b", Harness.T0.AddMinutes(3));
        queue.Arm("a", Harness.T0.AddMinutes(5)); // later: no new entry
        queue.Arm("a", Harness.T0.AddMinutes(2)); // earlier than 5 again

        queue.TryTakeDue(Harness.T0.AddMinutes(1), out _, out _).Should().BeFalse("a's deadline moved from 1 to 2 minutes");
        var fired = new List<(string, DateTimeOffset)>();
        while (queue.TryTakeDue(DateTimeOffset.MaxValue, out var key, out var deadline)) fired.Add((key, deadline));
        fired.Should().Equal(("a", Harness.T0.AddMinutes(2)), ("b", Harness.T0.AddMinutes(3)));
    }
}
