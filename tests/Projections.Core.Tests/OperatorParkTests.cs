using System.Text.Json;
using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Projections;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>
/// Issue 12 item 3: the operator's moves for a poison event — override the policy from configuration,
/// "park this event and continue" on a stopped projection (invariant 7: the dead letter is written with
/// the checkpoint that first passes the event), timers parked as dead letters, and a rebuild with fixed
/// code that applies what was parked.
/// </summary>
public sealed class OperatorParkTests
{
    private static ProjectionEngineOptions OnePartition => Harness.DefaultOptions with { Partitions = 1 };

    [Fact]
    public async Task Park_and_continue_writes_the_dead_letter_with_the_first_checkpoint_past_it_and_applies_what_follows()
    {
        var h = Harness.Create(new CounterProjection());
        var batches = new List<(int Letters, GlobalPosition Checkpoint)>();
        h.Store.AfterWrite = b => { lock (batches) batches.Add((b.DeadLetters.Count, b.Checkpoint.Position)); };
        await h.Start(OnePartition);
        await using var _ = h;
        h.Append("c-1", new Bumped(0));
        var poison = h.Append("c-1", new Bumped(1, Fail: true));
        h.Append("c-1", new Bumped(2));
        await Eventually.Until(() => h.Runtime().Status == ProjectionStatus.Stopped, "the projection stops on the poison event", TestContext.Current.CancellationToken);

        var parked = await h.Runtime().ParkAndContinue("alice", poison.Position, Harness.Cancel());
        await h.WaitForHead();

        parked.Should().Contain(poison.Position.ToString());
        h.Runtime().Status.Should().NotBe(ProjectionStatus.Stopped);
        ((Counter)h.Runtime().GetLive("c-1")!.State).Trail.Should().Be("0,2,", "the events after the parked one are applied");
        var letter = (await h.Runtime().ReadDeadLetters(0, 10, Harness.Cancel())).Should().ContainSingle().Subject;
        letter.Position.Should().Be(poison.Position);
        letter.Reason.Should().StartWith("Parked by 'alice': ").And.Contain("bump 1 is bad");
        lock (batches)
        {
            var firstPast = batches.First(b => b.Checkpoint >= poison.Position);
            firstPast.Letters.Should().Be(1, "the dead letter is in the same batch as the first checkpoint that passes it");
        }
        h.Logs.Lines.Should().ContainSingle(l => l.Message.Contains("alice parked the event at position " + poison.Position));
        (await h.Verify(new CounterProjection())).Mismatches.Should().BeEmpty("verify parks what the store parked");
    }

    [Fact]
    public async Task Park_and_continue_refuses_a_projection_that_runs_or_stopped_elsewhere()
    {
        await using var h = await Harness.Started(OnePartition, new CounterProjection());
        h.Append("c-1", new Bumped(0));
        await h.WaitForHead();

        await FluentActions.Awaiting(() => h.Runtime().ParkAndContinue("alice", null, Harness.Cancel()))
            .Should().ThrowAsync<InvalidOperationException>().WithMessage("*not stopped on a poison event*");

        var poison = h.Append("c-1", new Bumped(1, Fail: true));
        await Eventually.Until(() => h.Runtime().Status == ProjectionStatus.Stopped, "the projection stops", TestContext.Current.CancellationToken);
        await FluentActions.Awaiting(() => h.Runtime().ParkAndContinue("alice", GlobalPosition.Of(1), Harness.Cancel()))
            .Should().ThrowAsync<InvalidOperationException>().WithMessage($"*stopped at the event at position {poison.Position}*nothing was parked*");
        h.Runtime().Status.Should().Be(ProjectionStatus.Stopped);
        (await h.Store.CountDeadLetters("counter", 1, Harness.Cancel())).Should().Be(0);
    }

    [Fact]
    public async Task The_operator_policy_overrides_the_projection_and_a_per_projection_override_wins()
    {
        var h = Harness.Create(new CounterProjection("counter"), new CounterProjection("strict"));
        await h.Start(OnePartition with
        {
            OnPoison = PoisonEventPolicy.Park,
            OnPoisonByProjection = new Dictionary<string, PoisonEventPolicy> { ["strict"] = PoisonEventPolicy.Stop },
        });
        await using var _ = h;
        h.Append("c-1", new Bumped(1, Fail: true));
        h.Append("c-1", new Bumped(2));

        await h.WaitForHead("counter");
        await Eventually.Until(() => h.Runtime("strict").Status == ProjectionStatus.Stopped, "the strict projection stops", TestContext.Current.CancellationToken);
        (await h.Store.CountDeadLetters("counter", 1, Harness.Cancel())).Should().Be(1, "--on-poison park overrides the projection's Stop");
        ((Counter)h.Runtime("counter").GetLive("c-1")!.State).Trail.Should().Be("2,");
    }

    [Fact]
    public void A_per_projection_policy_for_an_unknown_projection_is_refused()
    {
        var create = () => new ProjectionEngine(new InMemory.InMemoryEventStore(), new InMemory.InMemoryProjectionStore(), [new CounterProjection()],
            Harness.DefaultOptions with { OnPoisonByProjection = new Dictionary<string, PoisonEventPolicy> { ["countr"] = PoisonEventPolicy.Park } });

        create.Should().Throw<ArgumentException>().WithMessage("*'countr'*known: counter*");
    }

    [Fact]
    public async Task A_failing_timeout_stops_the_projection_and_park_and_continue_parks_the_timer_with_its_key_and_deadline()
    {
        var h = Harness.Create(new FragileTimerProjection());
        var batches = new List<(int Letters, int Documents)>();
        h.Store.AfterWrite = b => { lock (batches) batches.Add((b.DeadLetters.Count, b.Documents.Count)); };
        await h.Start(OnePartition);
        await using var _ = h;
        h.Append("item-bad", new ItemSeen("S1", Harness.T0));
        h.Append("item-ok", new ItemSeen("S1", Harness.T0));
        h.Append("item-ok", new ItemSeen("S2", Harness.T0.AddMinutes(11))); // stream time passes the 10-minute deadlines
        await Eventually.Until(() => h.Runtime("fragile").Status == ProjectionStatus.Stopped, "the failing timeout stops the projection", TestContext.Current.CancellationToken);
        var failure = (ProjectionFailedException)h.Runtime("fragile").Error!;
        failure.TimerKey.Should().Be("item-bad");
        failure.TimerDeadline.Should().Be(Harness.T0.AddMinutes(10));

        await h.Runtime("fragile").ParkAndContinue("bob", null, Harness.Cancel());
        h.Append("item-ok", new ItemSeen("S3", Harness.T0.AddMinutes(12)));
        await h.WaitForHead("fragile");

        var letter = (await h.Runtime("fragile").ReadDeadLetters(0, 10, Harness.Cancel())).Should().ContainSingle().Subject;
        letter.EventType.Should().Be(OperatorPark.TimeoutEventType);
        letter.StreamId.Should().Be("item-bad");
        JsonDocument.Parse(letter.Data).RootElement.GetProperty("deadline").GetString().Should().Be(Harness.T0.AddMinutes(10).ToString("O"));
        letter.Reason.Should().StartWith("Parked by 'bob': Timeout of aggregate 'item-bad'").And.Contain("timer of item-bad is broken");
        var bad = h.Runtime("fragile").GetLive("item-bad")!;
        ((Item)bad.State).Status.Should().Be("Active", "a parked timer leaves the state as it was");
        (await h.Store.LoadDocument("fragile", 1, "item-bad", Harness.Cancel()))!.TimeoutAt.Should().BeNull("the parked timer is not re-armed at the next start");
        ((Item)h.Runtime("fragile").GetLive("item-ok")!.State).Station.Should().Be("S3");
        lock (batches) batches.Should().Contain(b => b.Letters == 1 && b.Documents >= 1, "the timer's dead letter is written with the aggregate it cleared");
    }

    [Fact]
    public async Task With_the_park_policy_a_failing_timeout_is_parked_without_stopping()
    {
        await using var h = await Harness.Started(OnePartition with { OnPoison = PoisonEventPolicy.Park }, new FragileTimerProjection());
        h.Append("item-bad", new ItemSeen("S1", Harness.T0));
        h.Append("item-ok", new ItemSeen("S1", Harness.T0));
        h.Append("item-ok", new ItemSeen("S2", Harness.T0.AddMinutes(11)));
        await h.WaitForHead("fragile");

        h.Runtime("fragile").Status.Should().NotBe(ProjectionStatus.Stopped);
        (await h.Runtime("fragile").ReadDeadLetters(0, 10, Harness.Cancel())).Should().ContainSingle().Which.StreamId.Should().Be("item-bad");
        ((Item)h.Runtime("fragile").GetLive("item-ok")!.State).Status.Should().Be("Lost", "the other timers fire as usual");
    }

    [Fact]
    public async Task A_rebuild_with_fixed_code_applies_the_parked_event_and_the_new_generation_has_no_dead_letter()
    {
        var h = Harness.Create(new CounterProjection());
        await h.Start(OnePartition);
        h.Append("c-1", new Bumped(0));
        var poison = h.Append("c-1", new Bumped(1, Fail: true));
        h.Append("c-1", new Bumped(2));
        await Eventually.Until(() => h.Runtime().Status == ProjectionStatus.Stopped, "the projection stops", TestContext.Current.CancellationToken);
        await h.Runtime().ParkAndContinue("alice", poison.Position, Harness.Cancel());
        await h.WaitForHead();
        await h.DisposeAsync();

        await using var fixedCode = h.Restarted(new CounterProjection(fixedBumps: true));
        await fixedCode.Start(OnePartition);
        await fixedCode.Engine.StartRebuild("counter", Harness.Cancel());
        await Eventually.Until(() => fixedCode.Runtime().GetStats().Generation == 2 && fixedCode.Runtime().Rebuild is null, "generation 2 becomes active", TestContext.Current.CancellationToken);
        await fixedCode.WaitForHead();

        ((Counter)fixedCode.Runtime().GetLive("c-1")!.State).Trail.Should().Be("0,1,2,", "the fixed handler applies the event parked in generation 1");
        (await fixedCode.Store.CountDeadLetters("counter", 2, Harness.Cancel())).Should().Be(0);
        fixedCode.Runtime().GetStats().ParkedEvents.Should().Be(0);
    }

    /// <summary>Items lost after 10 minutes; the timeout handler of "item-bad" throws.</summary>
    private sealed class FragileTimerProjection : Projection<Item>
    {
        public FragileTimerProjection() : base("fragile")
        {
            FromStreams("item-");
            Initially(key => new Item(key, "Active", null, 0, null, null));
            EventTimeFrom<ItemSeen>(e => e.At);
            On<ItemSeen>((s, e, ctx) =>
            {
                ctx.ScheduleTimeout(TimeSpan.FromMinutes(10));
                return s with { Station = e.Station, Seen = s.Seen + 1, LastSeen = e.At };
            });
            OnTimeout((s, t) => s.Key == "item-bad" ? throw new InvalidOperationException("timer of item-bad is broken") : s with { Status = "Lost", LostAt = t.Deadline });
        }
    }
}
