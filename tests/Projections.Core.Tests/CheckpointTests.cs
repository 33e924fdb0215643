using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Pipeline;
using Projections.Core.Ports;
using Projections.Core.Replay;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>Invariant 3: a stored checkpoint never claims an event whose effect is not durable yet.</summary>
public sealed class CheckpointTests
{
    [Fact]
    public async Task Every_checkpoint_written_is_covered_by_documents_already_durable()
    {
        var h = Harness.Create(new CounterProjection());
        var durable = new Dictionary<string, long>();
        var observations = new List<(ProjectionCheckpoint Checkpoint, Dictionary<string, long> Durable)>();
        h.Store.AfterWrite = batch =>
        {
            foreach (var d in batch.Documents) durable[d.Key] = Math.Max(durable.GetValueOrDefault(d.Key), d.Version);
            observations.Add((batch.Checkpoint, new Dictionary<string, long>(durable)));
        };
        var gate = new BlockingGate();
        var gated = 0;
        h.Store.BeforeWrite = (batch, ct) => batch.Documents.Count > 0 && Interlocked.Exchange(ref gated, 1) == 0 ? gate.Pass(ct) : Task.CompletedTask;
        await h.Start(Harness.DefaultOptions with { MaxBatchSize = 3 }); // many chunks per flush
        await using var _ = h;

        h.Append("c-0", new Bumped(-1));
        await gate.Entered.WaitAsync(Harness.Cancel()); // while the first write is held, every key changes: the next flush has 4 chunks
        for (var seq = 0; seq < 15; seq++)
            for (var k = 0; k < 12; k++)
                h.Append($"c-{k}", new Bumped(seq));
        gate.Open();
        await h.WaitForHead();

        var events = await h.AllEvents();
        var last = events[^1].Position;
        observations.Should().Contain(o => o.Checkpoint.Position == last);
        observations.Select(o => o.Checkpoint.Position).Should().BeInAscendingOrder("a stored checkpoint never moves backwards, not even between the chunks of one flush");
        ShouldBeCoveredByDurableDocuments(observations, events);
    }

    [Fact]
    public async Task A_checkpoint_does_not_cover_events_the_reader_passed_while_its_barrier_was_held()
    {
        const string held = "c-held", other = "c-other";
        KeyHash.Partition(held, 2).Should().NotBe(KeyHash.Partition(other, 2), "the two keys live in different partitions");
        var release = new ManualResetEventSlim();
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var h = Harness.Create(new CounterProjection(beforeApply: (key, e) =>
        {
            if (key != held || e.Seq != 99) return;
            holding.TrySetResult();
            release.Wait(Harness.Cancel());
        }));
        var durable = new Dictionary<string, long>();
        var observations = new List<(ProjectionCheckpoint Checkpoint, Dictionary<string, long> Durable)>();
        h.Store.AfterWrite = batch =>
        {
            foreach (var d in batch.Documents) durable[d.Key] = Math.Max(durable.GetValueOrDefault(d.Key), d.Version);
            observations.Add((batch.Checkpoint, new Dictionary<string, long>(durable)));
        };
        await h.Start(Harness.DefaultOptions with { Partitions = 2 });
        await using var _ = h;
        var runtime = h.Runtime();
        // The start-up flush must be done first, or its barrier could be the one stuck behind the held event.
        await Eventually.Until(() => runtime.GetStats().Flushes >= 1, "the start-up flush is written", TestContext.Current.CancellationToken);
        try
        {
            h.Append(held, new Bumped(99));
            await holding.Task.WaitAsync(Harness.Cancel()); // the held key's partition is stuck in its handler
            h.Append(other, new Bumped(0));
            await Eventually.Until(() => runtime.GetLive(other) is not null && runtime.GetStats().DirtyAggregates == 0,
                "the other partition applied its event and handed it over at a barrier the held partition has not reached", TestContext.Current.CancellationToken);
            h.Append(other, new Bumped(1)); // read and applied after that barrier, while it is still open
            await Eventually.Until(() => runtime.GetLive(other)?.Version == 2, "the event after the barrier is applied", TestContext.Current.CancellationToken);
        }
        finally { release.Set(); }
        await h.WaitForHead();

        ShouldBeCoveredByDurableDocuments(observations, await h.AllEvents());
    }

    private static void ShouldBeCoveredByDurableDocuments(List<(ProjectionCheckpoint Checkpoint, Dictionary<string, long> Durable)> observations, List<RecordedEvent> events)
    {
        foreach (var (checkpoint, durableThen) in observations)
        {
            var expected = ProjectionReplayer.Replay(new CounterProjection(), events.Where(e => e.Position <= checkpoint.Position));
            foreach (var a in expected.Aggregates.Values)
                durableThen.GetValueOrDefault(a.Key).Should().BeGreaterThanOrEqualTo(a.Version,
                    $"checkpoint {checkpoint.Position} claims {a.Key} at version {a.Version}");
        }
    }

    [Fact]
    public async Task A_projection_that_has_read_nothing_stores_a_checkpoint_at_the_start_without_a_stream_time()
    {
        await using var h = await Harness.Started(null, new CounterProjection());

        await Eventually.Until(() => h.Runtime().GetStats().Flushes >= 1, "the caught-up flush is written", TestContext.Current.CancellationToken);

        var stored = await h.Store.LoadCheckpoint("counter", 1, Harness.Cancel());
        stored.Should().Be(new ProjectionCheckpoint(GlobalPosition.Start, null), "no event has stamped a stream time yet (not DateTimeOffset.MinValue)");
    }

    /// <summary>
    /// A flush that finds no changed aggregate, no dead letter and no new position writes nothing: an idle
    /// projection, and the final flush of one stopped with everything stored, leave the store untouched.
    /// </summary>
    [Fact]
    public async Task Stopping_a_projection_that_has_stored_everything_writes_nothing_more()
    {
        var h = Harness.Create(new CounterProjection());
        var batches = 0;
        h.Store.AfterWrite = _ => Interlocked.Increment(ref batches);
        await h.Start();
        h.Append("c-1", new Bumped(0));
        await h.WaitForHead();
        var written = Volatile.Read(ref batches);

        await h.DisposeAsync(); // the final flush finds nothing new

        Volatile.Read(ref batches).Should().Be(written, "the final flush had nothing to write");
        (await h.Store.LoadCheckpoint("counter", 1, Harness.Cancel()))!.Position.Should().Be((await h.AllEvents())[^1].Position);
    }

    [Fact]
    public async Task Unhandled_events_still_advance_the_checkpoint_within_the_flush_interval()
    {
        await using var h = await Harness.Started(Harness.DefaultOptions with { MaxFlushInterval = TimeSpan.FromSeconds(1) }, new CounterProjection());
        h.Append("c-1", new Bumped(0));
        await h.WaitForHead();
        for (var i = 0; i < 5; i++) h.Append("other-1", new Bumped(i));
        var head = await h.Events.ReadHeadPosition(Harness.Cancel());

        var reached = h.Runtime().WaitForCheckpoint(head, Harness.Cancel());
        await Eventually.Until(() => h.Runtime().GetStats().Processed == head, "the reader passes the filtered events", TestContext.Current.CancellationToken);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await reached;
        (await h.Store.LoadCheckpoint("counter", 1, Harness.Cancel()))!.Position.Should().Be(head);
    }

    [Fact]
    public async Task Transient_store_failures_are_retried_and_nothing_is_lost()
    {
        var h = Harness.Create(new CounterProjection());
        var failures = 0;
        h.Store.BeforeWrite = (_, _) => Interlocked.Increment(ref failures) <= 3
            ? throw new ProjectionStoreUnavailableException("database is restarting")
            : Task.CompletedTask;
        await h.Start(Harness.DefaultOptions with { RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(2) });
        await using var _ = h;
        for (var i = 0; i < 10; i++) h.Append($"c-{i % 3}", new Bumped(i));

        var head = await h.Events.ReadHeadPosition(Harness.Cancel());
        var reached = h.Runtime().WaitForCheckpoint(head, Harness.Cancel());
        // Each retry waits on the (fake) clock: move it until the write goes through.
        await Eventually.Until(() =>
        {
            if (!reached.IsCompleted) h.Time.Advance(TimeSpan.FromSeconds(1));
            return reached.IsCompleted;
        }, "the write succeeds after retries", TestContext.Current.CancellationToken);
        await reached;
        failures.Should().BeGreaterThan(3);
        (await h.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task A_write_the_store_refuses_stops_the_projection_naming_the_aggregate()
    {
        var h = Harness.Create(new CounterProjection());
        h.Store.BeforeWrite = (batch, _) => batch.Documents.Count > 0
            ? throw new ProjectionStoreWriteException("document too large", batch.Documents[0].Key)
            : Task.CompletedTask;
        await h.Start();
        await using var _ = h;
        h.Append("c-big", new Bumped(0));

        await Eventually.Until(() => h.Runtime().Status == Runtime.ProjectionStatus.Stopped, "the projection stops", TestContext.Current.CancellationToken);
        h.Runtime().Error!.Message.Should().Contain("counter").And.Contain("'c-big'").And.Contain("document too large");
        (await h.Store.LoadCheckpoint("counter", 1, Harness.Cancel()))?.Position.Should().NotBe(GlobalPosition.Of(1));
    }
}
