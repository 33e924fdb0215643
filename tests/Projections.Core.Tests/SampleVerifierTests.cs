using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Replay;
using Projections.Core.Tests.Support;

namespace Projections.Core.Tests;

/// <summary>
/// The check behind continuous reconciliation: a sample of keys against the reference fold up to the
/// checkpoint, while a host may be writing — a document ahead of the checkpoint is in flight, not wrong.
/// </summary>
public sealed class SampleVerifierTests
{
    private readonly CounterProjection _projection = new();

    /// <summary>Stores what the reference fold of the events so far gives, with the checkpoint at the last event.</summary>
    private static async Task<GlobalPosition> StoreTheFold(Harness h, CounterProjection projection)
    {
        await h.Store.EnsureProjection(projection.Name, projection.Indexes, Harness.Cancel());
        var fold = ProjectionReplayer.Replay(projection, await h.AllEvents());
        var documents = fold.Aggregates.Values.Select(a => new StoredDocument(a.Key, a.StateJson, a.Version, a.Position, a.TimeoutAt, Harness.T0)).ToList();
        await h.Store.WriteBatch(new ProjectionBatch(projection.Name, 1, documents, [], new ProjectionCheckpoint(fold.Position!.Value, fold.StreamTime)), Harness.Cancel());
        return fold.Position!.Value;
    }

    private Task<SampleCheckResult> Check(Harness h, params string[] keys) =>
        SampleVerifier.Check(_projection, h.Events, h.Store, 1, keys, Harness.Cancel());

    [Fact]
    public async Task A_store_that_matches_the_events_checks_every_sampled_key_with_no_mismatch()
    {
        await using var h = Harness.Create(_projection);
        h.Append("c-1", new Bumped(1));
        h.Append("c-2", new Bumped(2));
        h.Append("c-1", new Bumped(3));
        await StoreTheFold(h, _projection);

        var result = await Check(h, "c-1", "c-2");

        result.Checked.Should().Be(2);
        result.InFlight.Should().Be(0);
        result.Mismatches.Should().BeEmpty();
    }

    [Fact]
    public async Task A_document_changed_behind_the_engines_back_is_a_mismatch_naming_its_key()
    {
        await using var h = Harness.Create(_projection);
        h.Append("c-1", new Bumped(1));
        h.Append("c-2", new Bumped(2));
        var checkpoint = await StoreTheFold(h, _projection);
        var stored = (await h.Store.LoadDocument(_projection.Name, 1, "c-2", Harness.Cancel()))!;
        var tampered = stored with { StateJson = _projection.SerializeState(new Counter("c-2", 41, "2,")), Version = stored.Version + 1 };
        await h.Store.WriteBatch(new ProjectionBatch(_projection.Name, 1, [tampered], [], new ProjectionCheckpoint(checkpoint, null)), Harness.Cancel());

        var result = await Check(h, "c-1", "c-2");

        result.Checked.Should().Be(2);
        result.Mismatches.Select(m => m.Key).Distinct().Should().Equal("c-2");
        result.Mismatches.Select(m => m.Kind).Should().Contain([MismatchKind.State, MismatchKind.Version]);
    }

    [Fact]
    public async Task A_document_written_ahead_of_the_checkpoint_is_in_flight_not_a_mismatch()
    {
        await using var h = Harness.Create(_projection);
        h.Append("c-1", new Bumped(1));
        h.Append("c-2", new Bumped(2));
        var checkpoint = await StoreTheFold(h, _projection);
        // A flush in progress: the document of a later event is written, its checkpoint is not yet.
        var later = h.Append("c-1", new Bumped(3));
        var ahead = ProjectionReplayer.Replay(_projection, await h.AllEvents()).Aggregates["c-1"];
        await h.Store.WriteBatch(new ProjectionBatch(_projection.Name, 1,
            [new StoredDocument("c-1", ahead.StateJson, ahead.Version, later.Position, null, Harness.T0)], [], new ProjectionCheckpoint(checkpoint, null)), Harness.Cancel());

        var result = await Check(h, "c-1", "c-2");

        result.Checked.Should().Be(1);
        result.InFlight.Should().Be(1);
        result.Mismatches.Should().BeEmpty();
    }
}
