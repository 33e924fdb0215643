using FluentAssertions;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.Testing.ProjectionStores;

/// <summary>Shards (design.md "Shards"): the shard count is recorded with each generation, and every shard has its own checkpoint.</summary>
public abstract partial class ProjectionStoreContract
{
    private ProjectionBatch ShardBatch(int shard, ulong checkpoint, params StoredDocument[] documents) =>
        Batch(1, checkpoint, documents) with { Shard = shard };

    [Fact]
    public async Task The_shard_count_is_recorded_with_the_first_generation_and_kept()
    {
        (await Store.EnsureProjection(Projection, 3, [], Ct)).Should().Be(new ProjectionGenerations(1, null) { ActiveShards = 3 });

        // A host started with another count finds the recorded one: changing it is a rebuild, never a re-split.
        (await Store.EnsureProjection(Projection, 5, [], Ct)).ActiveShards.Should().Be(3);
        (await Store.EnsureProjection(Projection, [], Ct)).ActiveShards.Should().Be(3);
        await Restart();
        (await Store.ReadGenerations(Projection, Ct)).ActiveShards.Should().Be(3);
    }

    [Fact]
    public async Task A_rebuild_records_its_own_shard_count_and_activation_carries_it()
    {
        await Store.EnsureProjection(Projection, 2, [], Ct);

        await Store.BeginGeneration(Projection, 2, 4, [], Ct);
        (await Store.ReadGenerations(Projection, Ct)).Should().Be(new ProjectionGenerations(1, 2) { ActiveShards = 2, BuildingShards = 4 });

        await Store.ActivateGeneration(Projection, 2, Ct);
        (await Store.ReadGenerations(Projection, Ct)).Should().Be(new ProjectionGenerations(2, null) { ActiveShards = 4 });
    }

    [Fact]
    public async Task Shards_keep_independent_checkpoints()
    {
        await Store.EnsureProjection(Projection, 3, [], Ct);

        await Store.WriteBatch(ShardBatch(0, 40, Document("a", """{"n":1}""", 1, 40)), Ct);
        await Store.WriteBatch(ShardBatch(2, 70, Document("c", """{"n":1}""", 1, 70)), Ct);
        await Store.WriteBatch(ShardBatch(1, 10), Ct);

        (await Store.LoadCheckpoint(Projection, 1, 0, Ct))!.Position.Should().Be(GlobalPosition.Of(40));
        (await Store.LoadCheckpoint(Projection, 1, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(10));
        (await Store.LoadCheckpoint(Projection, 1, 2, Ct))!.Should().Be(new ProjectionCheckpoint(GlobalPosition.Of(70), Noon.AddSeconds(70)));
        (await Store.LoadCheckpoint(Projection, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(40), "the checkpoint without a shard is shard 0's");
        (await Store.LoadAllDocuments(Projection, 1, Ct).ToListAsync(Ct)).Select(d => d.Key).Should().Equal("a", "c");
    }

    [Fact]
    public async Task A_shard_checkpoint_never_moves_backwards()
    {
        await Store.EnsureProjection(Projection, 2, [], Ct);
        await Store.WriteBatch(ShardBatch(1, 50), Ct);

        await Store.WriteBatch(ShardBatch(1, 30), Ct);
        await Store.WriteBatch(ShardBatch(0, 20), Ct);

        (await Store.LoadCheckpoint(Projection, 1, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(50));
        (await Store.LoadCheckpoint(Projection, 1, 0, Ct))!.Position.Should().Be(GlobalPosition.Of(20), "another shard's checkpoint is not this one's floor");
    }

    [Fact]
    public async Task A_fenced_shard_batch_is_checked_against_its_own_shard_lease()
    {
        await Store.EnsureProjection(Projection, 2, [], Ct);
        var shard1 = await Acquire("host-a", Long, shard: 1);
        await Acquire("host-b", Long, shard: 0);

        await Store.WriteBatch(ShardBatch(1, 10, Document("b", "{}", 1, 10)) with { Fence = shard1 }, Ct);
        await Store.Invoking(s => s.WriteBatch(ShardBatch(0, 20) with { Fence = shard1 with { Key = Shard(1, 0) } }, Ct))
            .Should().ThrowAsync<LeaseLostException>("host-a's epoch is shard 1's, and host-b holds shard 0");

        (await Store.LoadCheckpoint(Projection, 1, 1, Ct))!.Position.Should().Be(GlobalPosition.Of(10));
        (await Store.LoadCheckpoint(Projection, 1, 0, Ct)).Should().BeNull();
    }

    [Fact]
    public async Task Only_the_generation_still_being_built_is_activated_by_the_sharded_switch()
    {
        await Store.EnsureProjection(Projection, 2, [], Ct);
        await Store.BeginGeneration(Projection, 2, 2, [], Ct);

        (await Store.ActivateBuiltGeneration(Projection, 2, Ct)).Should().BeTrue();
        (await Store.ActivateBuiltGeneration(Projection, 2, Ct)).Should().BeFalse("another host switched already");
        (await Store.ReadGenerations(Projection, Ct)).Should().Be(new ProjectionGenerations(2, null) { ActiveShards = 2 });

        await Store.BeginPreview(Projection, 3, 2, [], Ct);
        (await Store.ActivateBuiltGeneration(Projection, 3, Ct)).Should().BeFalse("a preview is switched to only by an explicit switch");
        await Store.DropGeneration(Projection, 3, Ct);
        (await Store.ActivateBuiltGeneration(Projection, 3, Ct)).Should().BeFalse("a dropped generation is not being built");
        (await Store.ReadGenerations(Projection, Ct)).Active.Should().Be(2);
    }

    [Fact]
    public async Task Dropping_a_generation_drops_every_shard_checkpoint()
    {
        await Store.EnsureProjection(Projection, 2, [], Ct);
        await Store.BeginGeneration(Projection, 2, 2, [], Ct);
        await Store.WriteBatch(ShardBatch(1, 30) with { Generation = 2 }, Ct);

        await Store.DropGeneration(Projection, 2, Ct);
        await Store.BeginGeneration(Projection, 2, 2, [], Ct);

        (await Store.LoadCheckpoint(Projection, 2, 1, Ct)).Should().BeNull();
    }
}
