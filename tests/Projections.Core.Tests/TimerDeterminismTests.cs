using FluentAssertions;
using Projections.Core.Replay;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>Invariant 5: timers fire on stream time, so live, rebuilt and differently partitioned runs agree.</summary>
public sealed class TimerDeterminismTests
{
    /// <summary>Items seen at irregular times; some go quiet for more than ten minutes, some finish, one returns after being lost.</summary>
    private static void AppendWorkload(Harness h)
    {
        var t = Harness.T0;
        for (var round = 0; round < 12; round++)
        {
            for (var i = 0; i < 8; i++)
            {
                var quiet = i % 4 == 0 && round is > 3 and < 9; // items 0 and 4 go quiet for a while
                if (quiet || (i == 3 && round > 6)) continue; // item 3 finishes in round 6
                t = t.AddMinutes(1 + (i * round % 3));
                h.Append($"item-{i}", new ItemSeen($"s{(i + round) % 3}", t));
            }
            if (round == 6) h.Append("item-3", new ItemDone());
        }
        h.Append("item-7", new ItemSeen("s0", t.AddMinutes(30))); // moves stream time far ahead: every open timer fires
    }

    [Fact]
    public async Task Final_state_is_the_same_with_one_or_four_partitions_and_equals_the_reference_fold()
    {
        var states = new List<Dictionary<string, string>>();
        foreach (var partitions in new[] { 1, 4 })
        {
            await using var h = Harness.Create(new TrackerProjection());
            AppendWorkload(h);
            await h.Start(Harness.DefaultOptions with { Partitions = partitions });
            await h.WaitForHead("tracker");
            states.Add(await h.StoredStates("tracker"));
            (await h.Verify(new TrackerProjection())).Mismatches.Should().BeEmpty();
        }
        states[0].Should().Equal(states[1]);
        states[0].Values.Should().Contain(s => s.Contains("\"status\":\"Lost\""), "the workload makes items lost");
        states[0]["item-3"].Should().Contain("\"status\":\"Done\"");
    }

    [Fact]
    public async Task Live_processing_and_a_rebuild_produce_the_same_documents()
    {
        await using var h = await Harness.Started(null, new TrackerProjection());
        AppendWorkload(h); // arrives live, in small bursts the reader interleaves with flushes
        await h.WaitForHead("tracker");
        var live = await h.StoredStates("tracker", 1);

        await h.Engine.StartRebuild("tracker", Harness.Cancel());
        await Eventually.Until(() => ((Runtime.ProjectionRuntime)h.Runtime("tracker")).ActiveGeneration == 2, "the rebuilt generation becomes active", TestContext.Current.CancellationToken);
        await h.WaitForHead("tracker");

        (await h.StoredStates("tracker", 2)).Should().Equal(live);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task The_timeout_handler_gets_the_deadline_and_fires_before_the_first_event_stamped_after_it(int partitions)
    {
        var h = Harness.Create(new TrackerProjection());
        h.Append("item-1", new ItemSeen("s1", Harness.T0));
        h.Append("item-2", new ItemSeen("s1", Harness.T0.AddMinutes(15)));
        h.Append("item-1", new ItemSeen("s2", Harness.T0.AddMinutes(16)));
        var events = await h.AllEvents();

        // The reference fold: after the second event, item-1 is lost at its deadline.
        var afterSecond = ProjectionReplayer.Replay(new TrackerProjection(), events.Take(2));
        var item1 = (Item)new TrackerProjection().DeserializeState(afterSecond.Aggregates["item-1"].StateJson);
        item1.Status.Should().Be("Lost");
        item1.LostAt.Should().Be(Harness.T0 + TrackerProjection.LostAfter);
        afterSecond.Aggregates["item-1"].Version.Should().Be(2);

        // The engine: the timer fires between the second and third events, so the third finds item-1 lost
        // (version 2, LostAt the deadline) and makes it active again, as the reference fold does.
        await h.Start(Harness.DefaultOptions with { Partitions = partitions });
        await using var _ = h;
        await h.WaitForHead("tracker");
        var live = h.Runtime("tracker").GetLive("item-1")!;
        live.Version.Should().Be(3, "event, timeout, event");
        var state = (Item)live.State;
        state.Status.Should().Be("Active");
        state.LostAt.Should().Be(Harness.T0 + TrackerProjection.LostAfter, "the timeout handler got the deadline, not the time it ran");
        (await h.Verify(new TrackerProjection())).Mismatches.Should().BeEmpty();
    }
}
