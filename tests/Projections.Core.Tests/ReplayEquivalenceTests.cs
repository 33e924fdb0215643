using FluentAssertions;
using Projections.Core.Ports;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>
/// Invariants 4 and 5 as a property: on randomized workloads (fan-out, duplicate keys, duplicate
/// deliveries, late events, timeouts that escalate) run across graceful restarts and crashes that leave
/// documents ahead of the checkpoint, with the partition count, batch size, eviction cap and warm start
/// backpressure and tiny partition queues changing between runs, the store ends exactly as the reference fold (<see cref="Replay.ProjectionReplayer"/>) says.
/// </summary>
public sealed class ReplayEquivalenceTests
{
    public static TheoryData<int> Seeds => [1, 2, 3, 5, 8, 13, 21, 34];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Restarts_and_crashes_end_in_the_documents_of_the_reference_fold(int seed)
    {
        var random = new Random(seed);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Harness.T0);
        var events = new global::Projections.Core.InMemory.InMemoryEventStore(time);
        var store = new global::Projections.Core.InMemory.InMemoryProjectionStore();
        var workload = new Workload(random, events);

        for (var run = 0; run < 5; run++)
        {
            var crash = run < 4 && random.Next(2) == 0;
            workload.Append(random.Next(10, 40));
            var options = Harness.DefaultOptions with
            {
                Partitions = random.Next(1, 5),
                MaxBatchSize = random.Next(2) == 0 ? 2 : 5000,
                MaxLiveAggregates = random.Next(2) == 0 ? 3 : null,
                WarmStart = random.Next(2) == 0,
                MaxUnflushedEvents = random.Next(2) == 0 ? 3 : 200_000,
                PartitionQueueCapacity = random.Next(2) == 0 ? 1 : 4096,
            };
            var countdown = random.Next(1, 4);
            store.BeforeWrite = crash
                ? (_, _) => Interlocked.Decrement(ref countdown) == 0 ? throw new ProjectionStoreWriteException("simulated crash") : Task.CompletedTask
                : null;
            var engine = new ProjectionEngine(new DuplicatingSource(events, random), store, [new ZoneProjection()], options, time);
            await engine.StartAsync(Harness.Cancel());
            workload.Append(random.Next(0, 20)); // some arrive live
            var runtime = engine.Find("zones")!;
            var head = await events.ReadHeadPosition(Harness.Cancel());
            await Eventually.Until(() => runtime.Status == Runtime.ProjectionStatus.Stopped || runtime.GetStats().Checkpoint >= head,
                $"run {run} reaches the head or crashes");
            if (!crash) runtime.Error.Should().BeNull();
            await engine.DisposeAsync();
            store.BeforeWrite = null;
        }

        var result = await Replay.ProjectionVerifier.Verify(new ZoneProjection(), events, store, null, Harness.Cancel());
        result.Mismatches.Should().BeEmpty();
        result.Checkpoint.Should().Be(await events.ReadHeadPosition(Harness.Cancel()));
        result.Expected.Should().BeGreaterThan(5);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(9)]
    public async Task A_rebuild_while_events_keep_arriving_ends_in_the_documents_of_the_reference_fold(int seed)
    {
        var random = new Random(seed);
        var h = Harness.Create(new ZoneProjection());
        var workload = new Workload(random, h.Events);
        workload.Append(60);
        await h.Start(Harness.DefaultOptions with { Partitions = 3, MaxLiveAggregates = 3, MaxBatchSize = 2 });
        await using var _ = h;
        await h.WaitForHead("zones");

        await h.Engine.StartRebuild("zones", Harness.Cancel());
        workload.Append(40); // arrives while generation 2 catches up
        var runtime = (Runtime.ProjectionRuntime)h.Runtime("zones");
        await Eventually.Until(() => runtime.ActiveGeneration == 2 || runtime.Error is not null, "the rebuilt generation becomes active");
        runtime.Error.Should().BeNull();
        workload.Append(20);
        await h.WaitForHead("zones");
        await h.Engine.StopAsync(Harness.Cancel());

        (await h.Verify(new ZoneProjection(), 2)).Mismatches.Should().BeEmpty();
    }

    private sealed class Workload(Random random, global::Projections.Core.InMemory.InMemoryEventStore events)
    {
        private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);
        private DateTimeOffset _t = Harness.T0;
        private int _seq;

        public void Append(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var item = $"item-{random.Next(6)}";
                _t += random.Next(8) switch { 0 => TimeSpan.FromMinutes(15), < 4 => TimeSpan.FromMinutes(random.Next(5)), _ => TimeSpan.Zero };
                var at = random.Next(6) == 0 ? _t - TimeSpan.FromMinutes(random.Next(1, 12)) : _t; // late events
                object payload = random.Next(7) == 0
                    ? new Leave(item, ++_seq)
                    : new Visit(item, random.Next(3) switch { 0 => "zone-a", 1 => "zone-b", _ => item }, ++_seq, at);
                events.AppendAt($"z-{item}", payload.GetType().Name, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(payload, payload.GetType(), Json), at);
            }
        }
    }
}
