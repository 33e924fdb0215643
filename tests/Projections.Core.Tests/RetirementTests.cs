using FluentAssertions;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>RetireWhen: finished aggregates leave memory once persisted and come back only through read-through.</summary>
public sealed class RetirementTests
{
    private static readonly TimeSpan RetireAfter = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_live_query_selects_finished_or_unfinished_aggregates_by_the_retirement_rule()
    {
        await using var h = await Harness.Started(null, new TrackerProjection(retireDoneAfter: TimeSpan.FromHours(1)));
        var tracker = h.Runtime("tracker");
        h.Append("item-1", new ItemSeen("s1", Harness.T0));
        h.Append("item-1", new ItemDone(), created: Harness.T0.AddMinutes(1));
        h.Append("item-2", new ItemSeen("s1", Harness.T0.AddMinutes(2)));
        h.Append("item-3", new ItemSeen("s2", Harness.T0.AddMinutes(3)));
        await h.WaitForHead("tracker");

        Keys(new EntityQuery { Finished = false }).Should().Equal("item-2", "item-3");
        Keys(new EntityQuery { Finished = true }).Should().Equal("item-1");
        Keys(new EntityQuery()).Should().Equal("item-1", "item-2", "item-3");
        Keys(new EntityQuery { Finished = false, FieldEquals = new Dictionary<string, string> { ["station"] = "s1" } }).Should().Equal("item-2");

        string[] Keys(EntityQuery query) => tracker.Query(query).Items.Select(e => e.Key).ToArray();
    }

    [Fact]
    public async Task The_retirement_rule_runs_once_per_change_though_both_retirement_and_the_key_index_need_it()
    {
        var checks = 0;
        await using var h = await Harness.Started(null, new TrackerProjection(retireDoneAfter: RetireAfter, finishedChecked: () => Interlocked.Increment(ref checks)));
        h.Append("item-1", new ItemSeen("s1", Harness.T0));
        h.Append("item-1", new ItemSeen("s2", Harness.T0.AddMinutes(1)));
        h.Append("item-1", new ItemDone(), created: Harness.T0.AddMinutes(2));
        h.Append("item-2", new ItemSeen("s1", Harness.T0.AddMinutes(3)));
        await h.WaitForHead("tracker");

        Volatile.Read(ref checks).Should().Be(4, "four events changed an aggregate, and a user's rule may be costly: it is evaluated once per change");
        h.Runtime("tracker").Query(new EntityQuery { Finished = true }).Items.Select(e => e.Key).Should().Equal("item-1");
    }

    [Fact]
    public async Task A_finished_aggregate_leaves_memory_after_its_delay_and_a_new_event_reads_it_back_from_the_store()
    {
        await using var h = await Harness.Started(null, new TrackerProjection(retireDoneAfter: RetireAfter));
        var tracker = h.Runtime("tracker");
        h.Append("item-1", new ItemSeen("s1", Harness.T0));
        h.Append("item-1", new ItemDone(), created: Harness.T0.AddMinutes(1));
        h.Append("item-2", new ItemSeen("s1", Harness.T0.AddMinutes(2)));
        await h.WaitForHead("tracker");
        tracker.GetLive("item-1").Should().NotBeNull("it finished less than five minutes of stream time ago");

        h.Append("item-2", new ItemSeen("s2", Harness.T0.AddMinutes(7)));
        await h.WaitForHead("tracker");
        await Eventually.Until(() => tracker.GetLive("item-1") is null, "item-1 retires", TestContext.Current.CancellationToken);
        tracker.Query(new EntityQuery { Take = 10 }).Items.Select(e => e.Key).Should().Equal("item-2");
        var stats = tracker.GetStats();
        stats.RetiredAggregates.Should().Be(1);
        stats.TimersInMemory.Should().Be(1, "only item-2 has a deadline");

        h.Append("item-1", new ItemSeen("s3", Harness.T0.AddMinutes(8)));
        await h.WaitForHead("tracker");
        var back = tracker.GetLive("item-1")!;
        ((Item)back.State).Seen.Should().Be(2, "a retired key is not known to be new: its state is read from the store");
        ((Item)back.State).Status.Should().Be("Active");
        back.Version.Should().Be(3);
        (await h.Verify(new TrackerProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task A_finished_aggregate_that_is_not_persisted_yet_stays_in_memory_until_it_is()
    {
        var h = Harness.Create(new TrackerProjection(retireDoneAfter: TimeSpan.Zero));
        var gate = new BlockingGate();
        h.Store.BeforeWrite = (b, ct) => b.Documents.Count > 0 ? gate.Pass(ct) : Task.CompletedTask;
        await h.Start();
        await using var _ = h;
        var tracker = h.Runtime("tracker");
        h.Append("item-1", new ItemSeen("s1", Harness.T0));
        h.Append("item-1", new ItemDone(), created: Harness.T0.AddMinutes(1));
        h.Append("item-2", new ItemSeen("s1", Harness.T0.AddMinutes(30)));
        // EventsProcessed counts what the reader dispatched; the partitions may not have applied it yet.
        await Eventually.Until(() => tracker.GetLive("item-1")?.Version == 2 && tracker.GetLive("item-2") is not null, "all events are applied",
            TestContext.Current.CancellationToken);

        tracker.GetLive("item-1").Should().NotBeNull("nothing is persisted while the store is blocked");
        tracker.GetStats().RetiredAggregates.Should().Be(0);

        gate.Open();
        await h.WaitForHead("tracker");
        h.Append("item-2", new ItemSeen("s1", Harness.T0.AddMinutes(31)));
        await h.WaitForHead("tracker");
        await Eventually.Until(() => tracker.GetLive("item-1") is null, "item-1 retires once persisted", TestContext.Current.CancellationToken);
        (await h.Store.LoadDocument("tracker", 1, "item-1", Harness.Cancel()))!.Version.Should().Be(2);
    }

    /// <summary>
    /// The window the "persisted" half of the guard is for: a barrier has taken the finished aggregate's
    /// snapshot (it is clean) but the store has not confirmed the write. Retiring it then would send its next
    /// event to a store that does not hold it yet: a lost update.
    /// </summary>
    [Fact]
    public async Task A_finished_aggregate_whose_write_is_in_flight_stays_in_memory_and_its_next_event_is_not_lost()
    {
        var h = Harness.Create(new TrackerProjection(retireDoneAfter: RetireAfter));
        var gate = new BlockingGate();
        h.Store.BeforeWrite = (b, ct) => b.Documents.Any(d => d.Key == "item-1") ? gate.Pass(ct) : Task.CompletedTask;
        h.Append("item-1", new ItemSeen("s1", Harness.T0));
        h.Append("item-1", new ItemDone(), created: Harness.T0.AddMinutes(1));
        await h.Start(Harness.DefaultOptions with { Partitions = 1 }); // one partition: item-2's event moves item-1's stream time
        await using var _ = h;
        var tracker = h.Runtime("tracker");
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken); // item-1 v2 is clean, its write held

        h.Append("item-2", new ItemSeen("s1", Harness.T0.AddMinutes(10))); // item-1's five minutes are over
        await Eventually.Until(() => tracker.GetLive("item-2") is not null, "item-2's event is applied", TestContext.Current.CancellationToken);
        tracker.GetLive("item-1").Should().NotBeNull("its write is not confirmed: the store does not hold version 2 yet");
        h.Append("item-1", new ItemSeen("s3", Harness.T0.AddMinutes(11)));
        await Eventually.Until(() => tracker.GetLive("item-1")?.Version == 3, "item-1's third event is applied to its second version",
            TestContext.Current.CancellationToken);

        gate.Open();
        await h.WaitForHead("tracker");
        (await h.Verify(new TrackerProjection())).Mismatches.Should().BeEmpty();
    }

    /// <summary>
    /// The delay counts from the moment the aggregate last became finished: being active again cancels the
    /// countdown, finishing again starts a new one (further changes while finished do not restart it), and
    /// it ends exactly <see cref="RetireAfter"/> later.
    /// </summary>
    [Fact]
    public async Task An_aggregate_active_again_before_its_delay_ends_stays_and_retires_its_delay_after_it_finishes_again()
    {
        await using var h = await Harness.Started(Harness.DefaultOptions with { Partitions = 1 }, new TrackerProjection(retireDoneAfter: RetireAfter));
        var tracker = h.Runtime("tracker");
        h.Append("item-1", new ItemSeen("s1", Harness.T0));
        h.Append("item-1", new ItemDone(), created: Harness.T0.AddMinutes(1)); // would retire at minute 6
        h.Append("item-1", new ItemSeen("s2", Harness.T0.AddMinutes(2)));      // active again: no retirement
        await h.WaitForHead("tracker");
        h.Append("item-2", new ItemSeen("s1", Harness.T0.AddMinutes(7)));
        await h.WaitForHead("tracker"); // one partition: the barrier behind item-2's event saw stream time at minute 7
        tracker.GetLive("item-1").Should().NotBeNull("it is active again, so its first countdown no longer applies");

        h.Append("item-1", new ItemDone(), created: Harness.T0.AddMinutes(8)); // finished again: retires at minute 13
        h.Append("item-1", new ItemDone(), created: Harness.T0.AddMinutes(10)); // still finished: the countdown goes on
        h.Append("item-2", new ItemSeen("s1", Harness.T0.AddMinutes(12)));
        await h.WaitForHead("tracker");
        tracker.GetLive("item-1").Should().NotBeNull("it finished four minutes of stream time ago");
        tracker.GetStats().RetiredAggregates.Should().Be(0);

        h.Append("item-2", new ItemSeen("s1", Harness.T0.AddMinutes(13)));
        await h.WaitForHead("tracker");
        await Eventually.Until(() => tracker.GetLive("item-1") is null, "item-1 retires once finished for exactly its delay", TestContext.Current.CancellationToken);
        tracker.GetStats().RetiredAggregates.Should().Be(1);
        (await h.Verify(new TrackerProjection())).Mismatches.Should().BeEmpty();
    }

    /// <summary>
    /// Persisted is not enough: a finished aggregate stays for its whole delay of stream time, so the events
    /// that usually follow the finishing one (a late scan, a correction) still find it in memory.
    /// </summary>
    [Fact]
    public async Task A_finished_and_persisted_aggregate_stays_in_memory_until_its_delay_of_stream_time_has_passed()
    {
        await using var h = await Harness.Started(Harness.DefaultOptions with { Partitions = 1 }, new TrackerProjection(retireDoneAfter: RetireAfter));
        var tracker = h.Runtime("tracker");
        h.Append("item-1", new ItemSeen("s1", Harness.T0));
        h.Append("item-1", new ItemDone(), created: Harness.T0.AddMinutes(1)); // retires at minute 6
        await h.WaitForHead("tracker"); // item-1 is persisted
        h.Append("item-2", new ItemSeen("s1", Harness.T0.AddMinutes(2)));
        h.Append("item-2", new ItemSeen("s1", Harness.T0.AddMinutes(5)));
        await h.WaitForHead("tracker"); // one partition: item-2's events and the barrier after them moved item-1's stream time to minute 5

        tracker.GetLive("item-1").Should().NotBeNull("it has been finished and persisted for four minutes of stream time, not five");
        tracker.GetStats().RetiredAggregates.Should().Be(0);

        h.Append("item-2", new ItemSeen("s1", Harness.T0.AddMinutes(6)));
        await h.WaitForHead("tracker");
        await Eventually.Until(() => tracker.GetLive("item-1") is null, "item-1 retires once its delay has passed", TestContext.Current.CancellationToken);
    }

    /// <summary>A delay that would end past the last date <see cref="DateTimeOffset"/> can hold must not overflow and stop the projection.</summary>
    [Fact]
    public async Task A_delay_longer_than_the_calendar_has_left_never_retires_and_does_not_stop_the_projection()
    {
        await using var h = await Harness.Started(Harness.DefaultOptions with { Partitions = 1 }, new TrackerProjection(retireDoneAfter: TimeSpan.MaxValue));
        var tracker = h.Runtime("tracker");
        h.Append("item-1", new ItemSeen("s1", Harness.T0));
        h.Append("item-1", new ItemDone(), created: Harness.T0.AddMinutes(1));
        h.Append("item-2", new ItemSeen("s1", Harness.T0.AddMinutes(2)));
        await h.WaitForHead("tracker");
        // item-1 is persisted now: a countdown that had ended would retire it at the next event.
        h.Append("item-2", new ItemSeen("s2", Harness.T0.AddMinutes(3)));
        await h.WaitForHead("tracker");
        tracker.GetLive("item-1").Should().NotBeNull("RetireWhen(..., TimeSpan.MaxValue) means never, not at once");
        tracker.GetStats().RetiredAggregates.Should().Be(0);

        h.Append("item-1", new ItemSeen("s2", Harness.T0.AddMinutes(4)));
        await h.WaitForHead("tracker");

        tracker.Status.Should().Be(ProjectionStatus.Live);
        tracker.Error.Should().BeNull();
        ((Item)tracker.GetLive("item-1")!.State).Seen.Should().Be(2);
        (await h.Verify(new TrackerProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task Warm_start_leaves_finished_aggregates_in_the_store()
    {
        var h = await Harness.Started(null, new TrackerProjection(retireDoneAfter: RetireAfter));
        h.Append("item-1", new ItemSeen("s1", Harness.T0));
        h.Append("item-1", new ItemDone(), created: Harness.T0.AddMinutes(1));
        h.Append("item-2", new ItemSeen("s1", Harness.T0.AddMinutes(2)));
        await h.WaitForHead("tracker");
        await h.DisposeAsync();

        await using var restarted = h.Restarted(new TrackerProjection(retireDoneAfter: RetireAfter));
        await restarted.Start();
        var tracker = restarted.Runtime("tracker");
        tracker.GetLive("item-1").Should().BeNull();
        tracker.GetLive("item-2").Should().NotBeNull();

        restarted.Append("item-1", new ItemSeen("s2", Harness.T0.AddMinutes(3)));
        await restarted.WaitForHead("tracker");
        ((Item)tracker.GetLive("item-1")!.State).Seen.Should().Be(2);
    }
}
