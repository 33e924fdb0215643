using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.Testing.ProjectionStores;

public abstract partial class ProjectionStoreContract
{
    [Fact]
    public async Task Dropping_a_generation_that_is_already_gone_does_nothing()
    {
        // The engine drops generation g-1 again at every start, in case a crash came between the switch and the drop.
        await EnsureOwnProjection();
        await Store.WriteBatch(Batch(1, 5, Document("a", """{"status":"Active"}""", 1, 5)), Ct);

        await Store.DropGeneration(Projection, 7, Ct);
        await Store.DropGeneration(Projection, 7, Ct);

        (await Store.EnsureProjection(Projection, [], Ct)).Should().Be(new ProjectionGenerations(1, null));
        (await Store.LoadCheckpoint(Projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(5));
    }

    [Fact]
    public async Task A_rebuild_generation_is_built_beside_the_active_one_and_activation_switches()
    {
        await EnsureOwnProjection("status");
        var old = Document("a", """{"status":"Active"}""", 5, 50);
        await Store.WriteBatch(Batch(1, 50, old), Ct);

        await Store.BeginGeneration(Projection, 2, [new IndexDefinition("status")], Ct);
        (await Store.EnsureProjection(Projection, [new IndexDefinition("status")], Ct)).Should().Be(new ProjectionGenerations(1, 2));
        (await Store.LoadAllDocuments(Projection, 2, Ct).ToListAsync(Ct)).Should().BeEmpty();
        (await Store.LoadCheckpoint(Projection, 2, Ct)).Should().BeNull();

        var rebuilt = Document("a", """{"status":"Completed"}""", 6, 60);
        await Store.WriteBatch(Batch(2, 60, rebuilt), Ct);
        ShouldMatch(await Load("a", 1), old);
        (await Store.LoadCheckpoint(Projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(50));

        await Store.ActivateGeneration(Projection, 2, Ct);

        (await Store.EnsureProjection(Projection, [new IndexDefinition("status")], Ct)).Should().Be(new ProjectionGenerations(2, null));
        ShouldMatch(await Load("a", 2), rebuilt);
        (await Store.LoadCheckpoint(Projection, 2, Ct))!.Position.Should().Be(GlobalPosition.Of(60));
    }

    [Fact]
    public async Task Reading_the_generations_follows_a_rebuild_and_its_switch()
    {
        // Other hosts poll this to follow a rebuild carried out elsewhere.
        await EnsureOwnProjection();
        (await Store.ReadGenerations(Projection, Ct)).Should().Be(new ProjectionGenerations(1, null));

        await Store.BeginGeneration(Projection, 2, [], Ct);
        (await Store.ReadGenerations(Projection, Ct)).Should().Be(new ProjectionGenerations(1, 2));

        await Store.ActivateGeneration(Projection, 2, Ct);
        (await Store.ReadGenerations(Projection, Ct)).Should().Be(new ProjectionGenerations(2, null));
    }

    [Fact]
    public async Task The_switch_survives_a_restart()
    {
        await EnsureOwnProjection();
        await Store.BeginGeneration(Projection, 2, [], Ct);
        await Store.WriteBatch(Batch(2, 7, Document("a", "{}", 1, 7)), Ct);
        await Store.ActivateGeneration(Projection, 2, Ct);

        await Restart();

        (await Store.EnsureProjection(Projection, [], Ct)).Should().Be(new ProjectionGenerations(2, null));
        (await Load("a", 2)).Position.Should().Be(GlobalPosition.Of(7));
    }

    [Fact]
    public async Task Dropping_a_generation_removes_its_documents_checkpoint_and_dead_letters()
    {
        await EnsureOwnProjection();
        await Store.WriteBatch(Batch(1, 10, Document("a", "{}", 1, 10)) with { DeadLetters = [Letter(9)] }, Ct);
        await Store.BeginGeneration(Projection, 2, [], Ct);
        await Store.WriteBatch(Batch(2, 10, Document("a", "{}", 1, 10)), Ct);
        await Store.ActivateGeneration(Projection, 2, Ct);

        await Store.DropGeneration(Projection, 1, Ct);

        (await Store.LoadDocument(Projection, 1, "a", Ct)).Should().BeNull();
        (await Store.LoadAllDocuments(Projection, 1, Ct).ToListAsync(Ct)).Should().BeEmpty();
        (await Store.LoadCheckpoint(Projection, 1, Ct)).Should().BeNull();
        (await Store.CountDeadLetters(Projection, 1, Ct)).Should().Be(0);
        (await Load("a", 2)).Version.Should().Be(1);
    }

    [Fact]
    public async Task Dropping_an_abandoned_rebuild_clears_building()
    {
        await EnsureOwnProjection();
        await Store.BeginGeneration(Projection, 2, [], Ct);

        await Store.DropGeneration(Projection, 2, Ct);

        (await Store.EnsureProjection(Projection, [], Ct)).Should().Be(new ProjectionGenerations(1, null));
    }

    [Fact]
    public async Task Dead_letters_are_stored_once_per_position_and_read_in_position_order()
    {
        await EnsureOwnProjection();
        var letters = new[] { Letter(30), Letter(10), Letter(20) };
        await Store.WriteBatch(Batch(1, 30) with { DeadLetters = letters }, Ct);

        // Replayed after a crash: the same events are parked again.
        await Store.WriteBatch(Batch(1, 30) with { DeadLetters = [letters[1], letters[2]] }, Ct);

        (await Store.CountDeadLetters(Projection, 1, Ct)).Should().Be(3);
        var all = await Store.ReadDeadLetters(Projection, 1, 0, 10, Ct);
        all.Select(l => l.Position).Should().Equal(GlobalPosition.Of(10), GlobalPosition.Of(20), GlobalPosition.Of(30));
        var first = all[0];
        var original = letters[1];
        first.StreamId.Should().Be(original.StreamId);
        first.StreamRevision.Should().Be(original.StreamRevision);
        first.EventId.Should().Be(original.EventId);
        first.EventType.Should().Be(original.EventType);
        first.Data.ToArray().Should().Equal(original.Data.ToArray());
        first.Metadata.ToArray().Should().Equal(original.Metadata.ToArray());
        first.Reason.Should().Be(original.Reason);
        first.ParkedAt.Should().Be(original.ParkedAt);
        (await Store.ReadDeadLetters(Projection, 1, 1, 1, Ct)).Should().ContainSingle().Which.Position.Should().Be(GlobalPosition.Of(20));
    }

    [Fact]
    public async Task Checkpoints_are_kept_per_projection_and_generation()
    {
        var other = UniqueNames.Projection("stations");
        await EnsureOwnProjection();
        await Store.EnsureProjection(other, [], Ct);

        await Store.WriteBatch(Batch(1, 10), Ct);
        await Store.WriteBatch(new ProjectionBatch(other, 1, [], [], new ProjectionCheckpoint(GlobalPosition.Of(99), null)), Ct);

        (await Store.LoadCheckpoint(Projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(10));
        (await Store.LoadCheckpoint(other, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(99));
    }
}
