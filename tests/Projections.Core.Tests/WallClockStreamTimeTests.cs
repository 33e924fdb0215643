using FluentAssertions;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>
/// design.md "Stream time and timers": the wall clock moves stream time only while the source is connected
/// and caught up, and its events are current; then only up to now minus the allowed lateness.
/// </summary>
public sealed class WallClockStreamTimeTests
{
    private static readonly TimeSpan Lateness = TimeSpan.FromMinutes(5);

    private static ProjectionEngineOptions Options => Harness.DefaultOptions with
    {
        WallClockAdvancesIdleStreamTime = true,
        IdleTickInterval = TimeSpan.FromSeconds(1),
        AllowedLateness = Lateness,
    };

    [Fact]
    public async Task A_disconnect_while_idle_fires_no_timer_and_the_result_equals_the_reference_fold()
    {
        var h = Harness.Create(new TrackerProjection());
        var source = new OutageSource(h.Events);
        await using var engine = new ProjectionEngine(source, h.Store, h.Projections, Options, h.Time);
        await engine.StartAsync(Harness.Cancel());
        var runtime = engine.Find("tracker")!;
        h.Append("item-1", new ItemSeen("s1", h.Time.GetUtcNow()));
        await runtime.WaitForCheckpoint(await h.Events.ReadHeadPosition(Harness.Cancel()), Harness.Cancel());
        await Eventually.Until(() => runtime.GetStats().StreamTimeAdvance == StreamTimeAdvance.FollowingEvents, "the projection follows current events", TestContext.Current.CancellationToken);

        source.Disconnect();
        await Eventually.Until(() => runtime.GetStats().StreamTimeAdvance == StreamTimeAdvance.SourceDisconnected, "the disconnect is reported", TestContext.Current.CancellationToken);
        // An hour of outage, tick by tick: the detection written meanwhile (5 minutes after the first) arrives only after it.
        h.Append("item-1", new ItemSeen("s2", Harness.T0.AddMinutes(5)));
        for (var i = 0; i < 3600; i++) h.Time.Advance(TimeSpan.FromSeconds(1));

        runtime.GetStats().StreamTime.Should().Be(Harness.T0, "no wall-clock tick may move stream time while the source is down");
        ((Item)runtime.GetLive("item-1")!.State).Status.Should().Be("Active");

        source.Reconnect();
        await runtime.WaitForCheckpoint(await h.Events.ReadHeadPosition(Harness.Cancel()), Harness.Cancel());
        var item = (Item)runtime.GetLive("item-1")!.State;
        item.Should().Match<Item>(i => i.Status == "Active" && i.Seen == 2 && i.LostAt == null, "the second detection came before its deadline");
        // Under load the checkpoint can land before the rule has taken in that the source is back: wait for the report.
        await Eventually.Until(() => runtime.GetStats().StreamTimeAdvance == StreamTimeAdvance.EventsBehind,
            "the projection reports its events behind: that detection arrived an hour after its time", TestContext.Current.CancellationToken);
        (await h.Verify(new TrackerProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task Events_far_behind_the_wall_clock_never_make_stream_time_jump()
    {
        var h = Harness.Create(new TrackerProjection());
        h.Time.Advance(TimeSpan.FromDays(30)); // a backfill: the plant times are a month old
        await h.Start(Options);
        await using var _ = h;
        var runtime = h.Runtime("tracker");
        h.Append("item-1", new ItemSeen("s1", Harness.T0));
        await h.WaitForHead("tracker");
        await Eventually.Until(() => runtime.GetStats().StreamTimeAdvance == StreamTimeAdvance.EventsBehind, "the events are reported behind", TestContext.Current.CancellationToken);

        for (var i = 0; i < 3600; i++) h.Time.Advance(TimeSpan.FromSeconds(1)); // the backfill pauses for an hour

        var stats = runtime.GetStats();
        stats.StreamTime.Should().Be(Harness.T0);
        stats.WallClockLead.Should().Be(TimeSpan.FromDays(30) + TimeSpan.FromHours(1));
        h.Append("item-1", new ItemSeen("s2", Harness.T0.AddMinutes(5)));
        await h.WaitForHead("tracker");
        ((Item)runtime.GetLive("item-1")!.State).Should().Match<Item>(i => i.Status == "Active" && i.Seen == 2 && i.LostAt == null);
        (await h.Verify(new TrackerProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task A_pause_of_a_real_time_source_still_fires_the_timeout_within_the_allowed_lateness()
    {
        await using var h = await Harness.Started(Options, new TrackerProjection());
        var runtime = h.Runtime("tracker");
        h.Append("item-1", new ItemSeen("s1", h.Time.GetUtcNow()));
        await h.WaitForHead("tracker");

        var deadline = Harness.T0 + TrackerProjection.LostAfter;
        await Eventually.Until(() =>
        {
            if (h.Time.GetUtcNow() < deadline + Lateness + Options.IdleTickInterval) h.Time.Advance(Options.IdleTickInterval);
            return runtime.GetLive("item-1") is { State: Item { Status: "Lost" } };
        }, "the item is lost once the wall clock passed its deadline by the allowed lateness", TestContext.Current.CancellationToken);

        ((Item)runtime.GetLive("item-1")!.State).LostAt.Should().Be(deadline);
        var stats = runtime.GetStats();
        stats.StreamTimeAdvance.Should().Be(StreamTimeAdvance.Advancing);
        stats.StreamTime.Should().BeOnOrAfter(deadline).And.BeOnOrBefore(h.Time.GetUtcNow() - Lateness);
    }
}
