using FluentAssertions;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>After a restart the live view is complete, stream time is restored and pending timers fire.</summary>
public sealed class WarmStartTests
{
    [Fact]
    public async Task A_restart_restores_live_state_stream_time_and_timers()
    {
        var first = Harness.Create(new TrackerProjection());
        await first.Start();
        first.Append("item-1", new ItemSeen("s1", Harness.T0));
        first.Append("item-2", new ItemSeen("s2", Harness.T0.AddMinutes(5)));
        await first.WaitForHead("tracker");
        await first.DisposeAsync();

        await using var second = first.Restarted();
        await second.Start();
        var item1 = second.Runtime("tracker").GetLive("item-1");
        item1.Should().NotBeNull("warm start loads persisted aggregates before any new event");
        item1!.TimeoutAt.Should().Be(Harness.T0 + TrackerProjection.LostAfter);
        item1.PersistedVersion.Should().Be(item1.Version);
        second.Runtime("tracker").GetStats().StreamTime.Should().Be(Harness.T0.AddMinutes(5));

        second.Append("item-2", new ItemSeen("s2", Harness.T0.AddMinutes(12)));
        await second.WaitForHead("tracker");
        ((Item)second.Runtime("tracker").GetLive("item-1")!.State).Status.Should().Be("Lost", "the re-armed timer fired");
        ((Item)second.Runtime("tracker").GetLive("item-2")!.State).Status.Should().Be("Active");
    }

    [Fact]
    public async Task Without_warm_start_persisted_timers_still_fire()
    {
        var first = Harness.Create(new TrackerProjection());
        await first.Start();
        first.Append("item-1", new ItemSeen("s1", Harness.T0));
        await first.WaitForHead("tracker");
        await first.DisposeAsync();

        await using var second = first.Restarted();
        await second.Start(Harness.DefaultOptions with { WarmStart = false });
        second.Runtime("tracker").GetLive("item-1").Should().BeNull();
        second.Append("item-2", new ItemSeen("s2", Harness.T0.AddMinutes(20)));
        await second.WaitForHead("tracker");

        var stored = await second.Runtime("tracker").LoadPersisted("item-1", Harness.Cancel());
        System.Text.Encoding.UTF8.GetString(stored!.StateJson.Span).Should().Contain("\"status\":\"Lost\"");
        stored.TimeoutAt.Should().BeNull();
    }

    [Fact]
    public async Task When_idle_the_wall_clock_advances_stream_time_so_timers_fire()
    {
        var h = Harness.Create(new TrackerProjection());
        await h.Start(Harness.DefaultOptions with { WallClockAdvancesIdleStreamTime = true, IdleTickInterval = TimeSpan.FromSeconds(1) });
        await using var _ = h;
        h.Append("item-1", new ItemSeen("s1", h.Time.GetUtcNow()));
        await h.WaitForHead("tracker");
        var runtime = h.Runtime("tracker");
        ((Item)runtime.GetLive("item-1")!.State).Status.Should().Be("Active");

        await Eventually.Until(() =>
        {
            h.Time.Advance(TimeSpan.FromMinutes(1));
            return runtime.GetLive("item-1") is { State: Item { Status: "Lost" } };
        }, "the item is lost after ten quiet minutes", TestContext.Current.CancellationToken);
        runtime.GetStats().StreamTime.Should().BeOnOrAfter(Harness.T0 + TrackerProjection.LostAfter);
    }
}
