using FluentAssertions;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>Working set larger than memory: only clean, persisted aggregates are evicted; they reload on their next event or timer.</summary>
public sealed class EvictionTests
{
    private static readonly ProjectionEngineOptions Capped = Harness.DefaultOptions with { Partitions = 1, MaxLiveAggregates = 4 };

    [Fact]
    public async Task Evicted_aggregates_are_read_back_from_the_store_on_their_next_event()
    {
        await using var h = await Harness.Started(Capped, new CounterProjection());
        for (var k = 0; k < 20; k++)
        {
            h.Append($"c-{k}", new Bumped(0));
            await h.WaitForHead(); // each flush makes earlier aggregates clean and persisted
        }
        h.Runtime().GetStats().LiveAggregates.Should().Be(4, "the cap is four and every older aggregate is clean and persisted");
        Enumerable.Range(16, 4).Should().OnlyContain(k => h.Runtime().GetLive($"c-{k}") != null, "the four most recently used stay in memory");
        h.Runtime().GetLive("c-15").Should().BeNull("the least recently used ones leave first");

        h.Append("c-0", new Bumped(1));
        await h.WaitForHead();

        var c0 = h.Runtime().GetLive("c-0")!;
        ((Counter)c0.State).Trail.Should().Be("0,1,", "the state was loaded from the store before applying");
        c0.Version.Should().Be(2);
        (await h.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task Dirty_aggregates_are_never_evicted()
    {
        var h = Harness.Create(new CounterProjection());
        var gate = new BlockingGate();
        h.Store.BeforeWrite = (_, ct) => gate.Pass(ct);
        await h.Start(Capped);
        await using var _ = h;
        for (var k = 0; k < 12; k++) h.Append($"c-{k}", new Bumped(0));

        await Eventually.Until(() => h.Runtime().GetStats().EventsProcessed == 12, "all events are applied", TestContext.Current.CancellationToken);
        await Eventually.Until(() => h.Runtime().Query(new() { Take = 100 }).Total == 12, "all aggregates are applied", TestContext.Current.CancellationToken);
        h.Runtime().GetStats().LiveAggregates.Should().Be(12, "none of them is persisted yet");
        gate.Open();
        await h.WaitForHead();
    }

    [Fact]
    public async Task Aggregates_handed_to_a_flush_that_has_not_landed_are_never_evicted()
    {
        var h = Harness.Create(new CounterProjection());
        var gate = new BlockingGate();
        var gated = 0;
        h.Store.BeforeWrite = (batch, ct) => batch.Documents.Count > 0 && Interlocked.Exchange(ref gated, 1) == 0 ? gate.Pass(ct) : Task.CompletedTask;
        for (var k = 0; k < 8; k++) h.Append($"c-{k}", new Bumped(0));
        await h.Start(Capped);
        await using var _ = h;
        try
        {
            await gate.Entered.WaitAsync(Harness.Cancel()); // the first flush made its aggregates clean, but they are not persisted
            for (var k = 8; k < 16; k++) h.Append($"c-{k}", new Bumped(0)); // new aggregates push the partition over its cap
            await Eventually.Until(() => h.Runtime().GetLive("c-15") is not null, "the last event is applied (one partition: all before it are too)", TestContext.Current.CancellationToken);
            h.Runtime().GetStats().LiveAggregates.Should().Be(16, "an aggregate whose write has not landed exists nowhere else");
        }
        finally { gate.Open(); }
        for (var k = 0; k < 16; k++) h.Append($"c-{k}", new Bumped(1));
        await h.WaitForHead();

        (await h.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task The_timer_of_an_evicted_aggregate_still_fires()
    {
        await using var h = await Harness.Started(Capped, new TrackerProjection());
        h.Append("item-0", new ItemSeen("s1", Harness.T0));
        await h.WaitForHead("tracker");
        for (var k = 1; k <= 8; k++)
        {
            h.Append($"item-{k}", new ItemSeen("s1", Harness.T0.AddMinutes(k)));
            await h.WaitForHead("tracker");
        }
        h.Runtime("tracker").GetLive("item-0").Should().BeNull("item-0 was evicted");

        h.Append("item-9", new ItemSeen("s1", Harness.T0.AddMinutes(11)));
        await h.WaitForHead("tracker");

        var item0 = (Item)h.Runtime("tracker").GetLive("item-0")!.State;
        item0.Status.Should().Be("Lost");
        (await h.Verify(new TrackerProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task Timers_of_evicted_aggregates_stay_in_the_store_and_still_fire_in_order()
    {
        await using var h = await Harness.Started(Capped, new TrackerProjection());
        for (var batch = 0; batch < 10; batch++)
        {
            for (var k = 0; k < 20; k++)
            {
                var n = batch * 20 + k;
                h.Append($"item-{n:D3}", new ItemSeen("s1", Harness.T0.AddSeconds(n)));
            }
            await h.WaitForHead("tracker"); // flushed, so the next batch evicts this one
        }
        var stats = h.Runtime("tracker").GetStats();
        stats.TimersInMemory.Should().BeLessThanOrEqualTo(stats.LiveAggregates, "an evicted aggregate's timer is its stored deadline, not a heap entry");

        h.Append("item-late", new ItemSeen("s1", Harness.T0.AddMinutes(20)));
        await h.WaitForHead("tracker");

        (await h.Verify(new TrackerProjection())).Mismatches.Should().BeEmpty();
        var lost = await h.Store.LoadDocument("tracker", 1, "item-123", Harness.Cancel());
        lost!.TimeoutAt.Should().BeNull("its timeout fired");
    }
}
