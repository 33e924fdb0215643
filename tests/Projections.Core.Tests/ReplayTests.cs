using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>Invariant 4: restarting from a checkpoint behind the documents applies nothing twice.</summary>
public sealed class ReplayTests
{
    /// <param name="maxUnflushedEvents">5: the skipped events fill the unflushed window with nothing to write, and the reader must still get the flush that empties it.</param>
    [Theory]
    [InlineData(true, 200_000)]
    [InlineData(false, 200_000)]
    [InlineData(true, 5)]
    public async Task Restart_from_an_older_checkpoint_skips_events_already_in_the_documents(bool warmStart, long maxUnflushedEvents)
    {
        var first = Harness.Create(new CounterProjection());
        await first.Start();
        for (var seq = 0; seq < 10; seq++)
            for (var k = 0; k < 6; k++)
                first.Append($"c-{k}", new Bumped(seq));
        await first.WaitForHead();
        await first.DisposeAsync();

        // A crash between documents and checkpoint (non-transactional store): the checkpoint is far behind.
        // Stores never move a checkpoint backwards, so the crashed state is copied into a fresh store.
        var crashed = new InMemory.InMemoryProjectionStore();
        await crashed.EnsureProjection("counter", [], Harness.Cancel());
        var documents = await first.Store.LoadAllDocuments("counter", 1, Harness.Cancel()).ToListAsync(Harness.Cancel());
        await crashed.WriteBatch(new ProjectionBatch("counter", 1, documents, [], new ProjectionCheckpoint(GlobalPosition.Of(7), Harness.T0)), Harness.Cancel());

        var second = first.Restarted(crashed);
        await second.Start(Harness.DefaultOptions with { WarmStart = warmStart, MaxUnflushedEvents = maxUnflushedEvents });
        await using var _ = second;
        for (var k = 0; k < 6; k++) second.Append($"c-{k}", new Bumped(10));
        await second.WaitForHead();

        var expectedTrail = string.Concat(Enumerable.Range(0, 11).Select(i => i + ","));
        for (var k = 0; k < 6; k++)
        {
            var stored = await second.Runtime().LoadPersisted($"c-{k}", Harness.Cancel());
            var state = (Counter)new CounterProjection().DeserializeState(stored!.StateJson);
            state.Count.Should().Be(11, "events replayed after the old checkpoint must not count twice");
            state.Trail.Should().Be(expectedTrail);
            stored.Version.Should().Be(11);
        }
        (await second.Verify(new CounterProjection())).Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task The_store_never_replaces_a_document_with_an_older_position()
    {
        var store = new InMemory.InMemoryProjectionStore();
        await store.EnsureProjection("p", [], Harness.Cancel());
        var newer = new StoredDocument("k", "{\"v\":2}"u8.ToArray(), 2, GlobalPosition.Of(9), null, Harness.T0);
        var older = newer with { StateJson = "{\"v\":1}"u8.ToArray(), Version = 1, Position = GlobalPosition.Of(5) };
        await store.WriteBatch(new ProjectionBatch("p", 1, [newer], [], new ProjectionCheckpoint(GlobalPosition.Of(9), null)), Harness.Cancel());
        await store.WriteBatch(new ProjectionBatch("p", 1, [older], [], new ProjectionCheckpoint(GlobalPosition.Of(9), null)), Harness.Cancel());

        (await store.LoadDocument("p", 1, "k", Harness.Cancel()))!.Version.Should().Be(2);
    }
}
