using System.Diagnostics.Metrics;
using FluentAssertions;
using Projections.Core.Metrics;
using Projections.Core.Replay;
using Projections.Core.Runtime;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>Several projections side by side, stopping, options, metrics and verification.</summary>
public sealed class EngineTests
{
    [Fact]
    public async Task Projections_run_independently_and_one_failing_stops_only_itself()
    {
        await using var h = await Harness.Started(null, new CounterProjection(), new TrackerProjection());
        h.Append("item-1", new ItemSeen("s1", Harness.T0));
        h.Append("c-1", new Bumped(0, Fail: true));
        h.Append("item-1", new ItemSeen("s2", Harness.T0.AddMinutes(1)));

        await h.WaitForHead("tracker");
        await Eventually.Until(() => h.Runtime("counter").Status == ProjectionStatus.Stopped, "counter stops", TestContext.Current.CancellationToken);
        h.Runtime("tracker").Status.Should().Be(ProjectionStatus.Live);
        h.Runtime("tracker").Error.Should().BeNull();
        ((Item)h.Runtime("tracker").GetLive("item-1")!.State).Station.Should().Be("s2");
        h.Engine.Runtimes.Select(r => r.Name).Should().Equal("counter", "tracker");
    }

    [Fact]
    public async Task A_projection_that_has_not_started_reports_starting_with_empty_figures()
    {
        var h = Harness.Create(new CounterProjection());
        await using var engine = new ProjectionEngine(h.Events, h.Store, h.Projections, Harness.DefaultOptions, h.Time);

        var runtime = engine.Find("counter")!;

        runtime.Status.Should().Be(ProjectionStatus.Starting);
        runtime.GetStats().Should().Be(ProjectionStats.NotStarted);
        runtime.GetLive("c-1").Should().BeNull();
        runtime.Query(new EntityQuery()).Total.Should().Be(0);
    }

    [Fact]
    public async Task Stopping_flushes_what_was_applied_and_writes_the_final_checkpoint()
    {
        var h = Harness.Create(new CounterProjection());
        await h.Start(Harness.DefaultOptions with { MaxFlushInterval = TimeSpan.FromHours(1) });
        h.Append("c-1", new Bumped(0));
        await h.WaitForHead();
        for (var i = 0; i < 5; i++) h.Append("other", new Bumped(i)); // only moves the position: no flush is due for an hour
        var head = await h.Events.ReadHeadPosition(Harness.Cancel());
        await Eventually.Until(() => h.Runtime().GetStats().Processed == head, "the reader passes the last event", TestContext.Current.CancellationToken);

        await h.Engine.StopAsync(Harness.Cancel());

        (await h.Store.LoadCheckpoint("counter", 1, Harness.Cancel()))!.Position.Should().Be(head);
        h.Runtime().Status.Should().Be(ProjectionStatus.Stopped);
    }

    [Fact]
    public async Task Status_goes_from_catching_up_to_live_and_stats_report_progress()
    {
        await using var h = await Harness.Started(null, new CounterProjection());
        for (var i = 0; i < 10; i++) h.Append($"c-{i}", new Bumped(i));
        await h.WaitForHead();

        h.Runtime().Status.Should().Be(ProjectionStatus.Live);
        var stats = h.Runtime().GetStats();
        stats.EventsProcessed.Should().Be(10);
        stats.Checkpoint.Should().Be(Events.GlobalPosition.Of(10));
        stats.LiveAggregates.Should().Be(10);
        stats.Flushes.Should().BeGreaterThan(0);
        stats.UnflushedEvents.Should().Be(0);
        stats.LagPositions.Should().Be(0);
    }

    [Theory]
    [InlineData("Partitions")]
    [InlineData("MaxBatchSize")]
    [InlineData("MaxFlushInterval")]
    public void Bad_options_are_rejected_with_one_error_naming_the_option(string option)
    {
        var options = option switch
        {
            "Partitions" => new ProjectionEngineOptions { Partitions = 0 },
            "MaxBatchSize" => new ProjectionEngineOptions { MaxBatchSize = -1 },
            _ => new ProjectionEngineOptions { MaxFlushInterval = TimeSpan.Zero },
        };
        FluentActions.Invoking(() => new ProjectionEngine(new InMemory.InMemoryEventStore(), new InMemory.InMemoryProjectionStore(), [new CounterProjection()], options))
            .Should().Throw<ArgumentException>().WithMessage($"*{option}*");
    }

    [Fact]
    public void Two_projections_with_one_name_are_rejected()
    {
        FluentActions.Invoking(() => new ProjectionEngine(new InMemory.InMemoryEventStore(), new InMemory.InMemoryProjectionStore(), [new CounterProjection(), new CounterProjection()]))
            .Should().Throw<ArgumentException>().WithMessage("*'counter'*");
    }

    [Fact]
    public async Task Metrics_report_events_processed_and_flushes_tagged_by_projection()
    {
        var processed = 0L;
        var flushSizes = new List<int>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == ProjectionMetrics.MeterName) l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "projections.events.processed" && HasTag(tags, "metrics-counter")) Interlocked.Exchange(ref processed, value);
        });
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "projections.flush.size" && HasTag(tags, "metrics-counter")) lock (flushSizes) flushSizes.Add(value);
        });
        listener.Start();

        await using var h = await Harness.Started(null, new CounterProjection("metrics-counter"));
        for (var i = 0; i < 7; i++) h.Append($"c-{i}", new Bumped(i));
        await h.WaitForHead("metrics-counter");
        listener.RecordObservableInstruments();

        Interlocked.Read(ref processed).Should().Be(7);
        lock (flushSizes) flushSizes.Sum().Should().Be(7);
    }

    private static bool HasTag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string projection)
    {
        foreach (var t in tags) if (t.Key == "projection" && (string?)t.Value == projection) return true;
        return false;
    }

    [Fact]
    public async Task The_verifier_reports_documents_that_differ_from_the_events()
    {
        var h = Harness.Create(new CounterProjection());
        await h.Start();
        for (var i = 0; i < 6; i++) h.Append($"c-{i % 3}", new Bumped(i));
        await h.WaitForHead();
        await h.DisposeAsync();
        var good = await h.Verify(new CounterProjection());
        good.Ok.Should().BeTrue();
        good.Expected.Should().Be(3);

        var c1 = (await h.Store.LoadDocument("counter", 1, "c-1", Harness.Cancel()))!;
        var checkpoint = (await h.Store.LoadCheckpoint("counter", 1, Harness.Cancel()))!;
        await h.Store.WriteBatch(new Ports.ProjectionBatch("counter", 1,
            // The store's guard only lets a newer (position, version) in, so the tampered copy claims a later version.
            [c1 with { StateJson = "{\"key\":\"c-1\",\"count\":9,\"trail\":\"\"}"u8.ToArray(), Version = c1.Version + 1 },
             c1 with { Key = "c-stray" }], [], checkpoint), Harness.Cancel());

        var bad = await h.Verify(new CounterProjection());
        bad.Mismatches.Select(m => (m.Key, m.Kind)).Should().BeEquivalentTo([("c-1", MismatchKind.State), ("c-1", MismatchKind.Version), ("c-stray", MismatchKind.Extra)]);
    }
}
