using FluentAssertions;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>Invariant 6: the reader stops reading while too many applied events are unpersisted.</summary>
public sealed class BackpressureTests
{
    [Fact]
    public async Task The_reader_pauses_at_the_unflushed_limit_and_resumes_after_a_flush()
    {
        var h = Harness.Create(new CounterProjection());
        var gate = new BlockingGate();
        h.Store.BeforeWrite = (batch, ct) => gate.Pass(ct);
        for (var i = 0; i < 100; i++) h.Append($"c-{i % 7}", new Bumped(i));
        await h.Start(Harness.DefaultOptions with { MaxUnflushedEvents = 10 });
        await using var _ = h;
        var runtime = (ProjectionRuntime)h.Runtime();

        await Eventually.Until(() => runtime.ReaderPaused, "the reader pauses", TestContext.Current.CancellationToken);
        runtime.GetStats().EventsProcessed.Should().Be(11, "it reads until more than 10 events are unflushed, then stops");
        runtime.GetStats().UnflushedEvents.Should().Be(11);

        gate.Open();
        await h.WaitForHead();
        runtime.GetStats().EventsProcessed.Should().Be(100);
        (await h.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task Behind_a_slow_store_the_events_applied_past_the_stored_checkpoint_never_exceed_the_limit()
    {
        const int total = 300, limit = 10;
        var h = Harness.Create(new CounterProjection());
        for (var i = 0; i < total; i++) h.Append($"c-{i % 7}", new Bumped(i));
        ProjectionRuntime? runtime = null;
        var checkpointed = 0L;
        var worst = 0L;
        // The slowest store there is: every write waits until the reader has filled the window (or read everything).
        h.Store.BeforeWrite = async (_, ct) =>
        {
            await Eventually.Until(() => runtime is { } r && (r.ReaderPaused || r.GetStats().EventsProcessed == total), "the reader fills the window");
            // Every event is handled, so position n is the n-th event: what is applied past the checkpoint is unflushed.
            var unflushed = runtime!.GetStats().EventsProcessed - Interlocked.Read(ref checkpointed);
            lock (h) worst = Math.Max(worst, unflushed);
        };
        h.Store.AfterWrite = batch => Interlocked.Exchange(ref checkpointed, (long)batch.Checkpoint.Position.Commit);
        await h.Start(Harness.DefaultOptions with { MaxUnflushedEvents = limit });
        await using var _ = h;
        runtime = (ProjectionRuntime)h.Runtime();

        await h.WaitForHead();

        runtime.GetStats().Flushes.Should().BeGreaterThan(total / (2 * limit), "the window is refilled many times");
        worst.Should().BeLessThanOrEqualTo(limit + 1, "the reader stops once more than the limit is applied but not yet persisted");
        (await h.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task The_byte_limit_pauses_the_reader_too()
    {
        var h = Harness.Create(new CounterProjection());
        var gate = new BlockingGate();
        h.Store.BeforeWrite = (batch, ct) => gate.Pass(ct);
        for (var i = 0; i < 50; i++) h.Append("c-1", new Bumped(7)); // all the same size
        var first = (await h.AllEvents())[0];
        var perEvent = first.Data.Length + first.Metadata.Length;
        await h.Start(Harness.DefaultOptions with { MaxUnflushedBytes = perEvent * 5L });
        await using var _ = h;
        var runtime = (ProjectionRuntime)h.Runtime();

        await Eventually.Until(() => runtime.ReaderPaused, "the reader pauses", TestContext.Current.CancellationToken);
        runtime.GetStats().EventsProcessed.Should().Be(6, "five events' bytes are within the limit; the reader stops once a sixth puts it over");
        gate.Open();
        await h.WaitForHead();
    }
}
