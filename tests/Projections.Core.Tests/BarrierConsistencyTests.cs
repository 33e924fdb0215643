using FluentAssertions;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>Invariant 2: no update is lost between a barrier's snapshot and marking the aggregate clean.</summary>
public sealed class BarrierConsistencyTests
{
    [Fact]
    public async Task Events_applied_while_a_flush_is_being_written_are_persisted_by_a_later_flush()
    {
        var h = Harness.Create(new CounterProjection());
        var gate = new BlockingGate();
        h.Store.BeforeWrite = (batch, ct) => batch.Documents.Count > 0 ? gate.Pass(ct) : Task.CompletedTask;
        await h.Start(Harness.DefaultOptions with { Partitions = 3 });
        await using var _ = h;

        for (var k = 0; k < 10; k++) h.Append($"c-{k}", new Bumped(0));
        await gate.Entered.WaitAsync(Harness.Cancel()); // the first flush holds snapshots of some keys
        var versionsInFirstFlush = h.Runtime().Query(new() { Take = 100 }).Items.ToDictionary(e => e.Key, e => e.Version);
        for (var seq = 1; seq <= 20; seq++)
            for (var k = 0; k < 10; k++)
                h.Append($"c-{k}", new Bumped(seq));
        await Eventually.Until(() => h.Runtime().GetStats().UnflushedEvents == 210, "all events are applied while the write is blocked");
        gate.Open();
        await h.WaitForHead();

        for (var k = 0; k < 10; k++)
        {
            var stored = await h.Runtime().LoadPersisted($"c-{k}", Harness.Cancel());
            stored!.Version.Should().Be(21, $"c-{k} changed after the barrier snapshot and must be written again");
            h.Runtime().GetLive($"c-{k}")!.PersistedVersion.Should().Be(21);
        }
        versionsInFirstFlush.Values.Should().OnlyContain(v => v < 21);
        (await h.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task Many_changes_between_two_flushes_cost_one_write_per_aggregate()
    {
        var h = Harness.Create(new CounterProjection());
        var gate = new BlockingGate();
        var written = new List<int>();
        h.Store.BeforeWrite = (batch, ct) => batch.Documents.Count > 0 && written.Count == 0 ? gate.Pass(ct) : Task.CompletedTask;
        h.Store.AfterWrite = batch => written.Add(batch.Documents.Count);
        await h.Start();
        await using var _ = h;

        h.Append("c-warmup", new Bumped(0));
        await gate.Entered.WaitAsync(Harness.Cancel());
        for (var seq = 0; seq < 50; seq++)
            for (var k = 0; k < 5; k++)
                h.Append($"c-{k}", new Bumped(seq));
        await Eventually.Until(() => Enumerable.Range(0, 5).All(k => h.Runtime().GetLive($"c-{k}")?.Version == 50), "all 250 events are applied");
        h.Runtime().GetStats().DirtyAggregates.Should().Be(5);
        gate.Open();
        await h.WaitForHead();

        written.Sum().Should().Be(6, "250 events on 5 aggregates coalesce into one write each, plus the first aggregate");
    }
}
