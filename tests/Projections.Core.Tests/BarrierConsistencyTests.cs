using FluentAssertions;
using Projections.Core.Ports;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>Invariant 2: no update is lost between a barrier's snapshot and marking the aggregate clean.</summary>
public sealed class BarrierConsistencyTests
{
    [Fact]
    public async Task Events_applied_while_a_flush_is_being_written_are_persisted_by_a_later_flush()
    {
        var h = Harness.Create(new CounterProjection());
        var first = new BlockingGate();
        var second = new BlockingGate();
        var held = new List<ProjectionBatch>();
        h.Store.BeforeWrite = (batch, ct) =>
        {
            if (batch.Documents.Count == 0) return Task.CompletedTask;
            int n;
            lock (held) { held.Add(batch); n = held.Count; }
            return n switch { 1 => first.Pass(ct), 2 => second.Pass(ct), _ => Task.CompletedTask };
        };
        for (var k = 0; k < 10; k++) h.Append($"c-{k}", new Bumped(0));
        await h.Start(Harness.DefaultOptions with { Partitions = 3 });
        await using var _ = h;

        await first.Entered.WaitAsync(Harness.Cancel()); // the first flush holds snapshots of some keys
        for (var seq = 1; seq <= 20; seq++)
            for (var k = 0; k < 10; k++)
                h.Append($"c-{k}", new Bumped(seq));
        await Eventually.Until(() => h.Runtime().GetStats().EventsProcessed == 210, "all events are applied while the write is held", TestContext.Current.CancellationToken);
        first.Open();
        await second.Entered.WaitAsync(Harness.Cancel());

        // While the second flush is held, the first one has landed: what it wrote is the snapshot at its
        // barrier, and the persisted version says exactly that, not the live version applied since.
        var firstBatch = held[0];
        firstBatch.Documents.Should().NotBeEmpty().And.OnlyContain(d => d.Version == 1, "the held flush carries the snapshots taken at its barrier");
        foreach (var d in firstBatch.Documents)
        {
            var live = h.Runtime().GetLive(d.Key)!;
            live.Version.Should().Be(21);
            live.PersistedVersion.Should().Be(1, $"{d.Key} is persisted at the version its flush wrote, not at the live version");
        }
        held[1].Documents.Select(d => d.Key).Should().Contain(firstBatch.Documents.Select(d => d.Key), "they changed after the barrier snapshot");
        second.Open();
        await h.WaitForHead();

        for (var k = 0; k < 10; k++)
        {
            var stored = await h.Runtime().LoadPersisted($"c-{k}", Harness.Cancel());
            stored!.Version.Should().Be(21, $"c-{k} changed after the barrier snapshot and must be written again");
            h.Runtime().GetLive($"c-{k}")!.PersistedVersion.Should().Be(21);
        }
        (await h.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task Many_changes_between_two_flushes_cost_one_write_per_aggregate()
    {
        var h = Harness.Create(new CounterProjection());
        var gate = new BlockingGate();
        var gated = 0;
        var written = new List<int>();
        // Gate the first batch that carries documents: a checkpoint-only batch at start-up may come first.
        h.Store.BeforeWrite = (batch, ct) => batch.Documents.Count > 0 && Interlocked.Exchange(ref gated, 1) == 0 ? gate.Pass(ct) : Task.CompletedTask;
        h.Store.AfterWrite = batch => written.Add(batch.Documents.Count);
        await h.Start();
        await using var _ = h;

        h.Append("c-warmup", new Bumped(0));
        await gate.Entered.WaitAsync(Harness.Cancel());
        for (var seq = 0; seq < 50; seq++)
            for (var k = 0; k < 5; k++)
                h.Append($"c-{k}", new Bumped(seq));
        await Eventually.Until(() => Enumerable.Range(0, 5).All(k => h.Runtime().GetLive($"c-{k}")?.Version == 50), "all 250 events are applied", TestContext.Current.CancellationToken);
        h.Runtime().GetStats().DirtyAggregates.Should().Be(5);
        gate.Open();
        await h.WaitForHead();

        written.Sum().Should().Be(6, "250 events on 5 aggregates coalesce into one write each, plus the first aggregate");
    }
}
