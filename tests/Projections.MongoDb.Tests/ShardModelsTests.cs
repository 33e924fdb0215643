using FluentAssertions;
using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;

namespace Projections.MongoDb.Tests;

/// <summary>Shards as sent to the server (the contract suite runs them against one when PROJECTIONS_TEST_MONGO is set).</summary>
public sealed class ShardModelsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static ProjectionBatch Batch(int shard) =>
        new ProjectionBatch("plant-items", 2, [], [], new ProjectionCheckpoint(new GlobalPosition(510, 509), Now)) { Shard = shard };

    [Fact]
    public void A_shard_batch_moves_only_its_own_checkpoint_document_under_the_same_guard()
    {
        var shard0 = (UpdateOneModel<BsonDocument>)BatchModels.For("projections", Batch(0), Now).CheckpointWrite;
        var shard2 = (UpdateOneModel<BsonDocument>)BatchModels.For("projections", Batch(2), Now).CheckpointWrite;

        shard2.IsUpsert.Should().BeTrue();
        TestData.RenderFilter(shard2.Filter).ShouldBeBson(new BsonDocument("_id", "plant-items.g2#2"));
        var condition = Stage(shard2)["if"];
        condition.ShouldBeBson(Stage(shard0)["if"], "every shard's checkpoint is guarded against moving backwards alike");
        condition.ToString().Should().Contain("$position.commit").And.Contain("510");
        Stage(shard2)["then"]["$literal"].ShouldBeBson(new BsonDocument
        {
            { "_id", "plant-items.g2#2" },
            { "projection", "plant-items" },
            { "generation", 2 },
            { "shard", 2 },
            { "position", new BsonDocument { { "commit", 510L }, { "prepare", 509L } } },
            { "streamTime", new BsonDateTime(Now.UtcDateTime) },
            { "streamTimeTicks", Now.UtcTicks },
            { "updatedAt", new BsonDateTime(Now.UtcDateTime) },
        });
    }

    [Fact]
    public void A_checkpoint_written_before_shards_reads_as_it_always_did()
    {
        var beforeShards = BsonDocument.Parse("""
            { "_id": "plant-items.g1", "projection": "plant-items", "generation": 1,
              "position": { "commit": { "$numberLong": "700" }, "prepare": { "$numberLong": "698" } },
              "streamTime": null, "streamTimeTicks": null, "updatedAt": { "$date": "2026-03-01T09:00:00Z" } }
            """);

        CheckpointMapping.FromBson(beforeShards).Should().Be(new ProjectionCheckpoint(new GlobalPosition(700, 698), null));
        CheckpointMapping.GenerationFilter("plant-items", 1).ShouldBeBson(BsonDocument.Parse("""{ "projection": "plant-items", "generation": 1 }"""),
            "dropping a generation deletes every shard's checkpoint, those from before shards too");
    }

    [Fact]
    public void A_generations_entry_from_before_shards_reads_as_one_shard()
    {
        GenerationsMapping.FromBson(BsonDocument.Parse("""{ "_id": "plant-items", "active": 2, "building": 3, "preview": false }"""))
            .Should().Be(new ProjectionGenerations(2, 3) { ActiveShards = 1, BuildingShards = 1 });
    }

    [Fact]
    public void The_shard_counts_read_back_and_a_finished_rebuild_leaves_none_building()
    {
        GenerationsMapping.FromBson(BsonDocument.Parse("""{ "_id": "plant-items", "active": 2, "activeShards": 3, "building": 4, "buildingShards": 5, "preview": true }"""))
            .Should().Be(new ProjectionGenerations(2, 4, Preview: true) { ActiveShards = 3, BuildingShards = 5 });
        GenerationsMapping.FromBson(BsonDocument.Parse("""{ "_id": "plant-items", "active": 4, "activeShards": 5, "building": null, "buildingShards": 5, "preview": false }"""))
            .Should().Be(new ProjectionGenerations(4, null) { ActiveShards = 5 });
    }

    [Fact]
    public void Registering_records_the_shard_count_only_for_a_new_projection_and_a_rebuild_records_its_own()
    {
        GenerationsMapping.RegisterUpdate(3).ShouldBeBson(BsonDocument.Parse("""
            { "$setOnInsert": { "active": 1, "activeShards": 3, "building": null } }
            """));
        GenerationsMapping.BeginFields(3, 4, preview: false).ShouldBeBson(BsonDocument.Parse("""
            { "building": 3, "buildingShards": 4, "preview": false }
            """));
    }

    [Fact]
    public void The_sharded_switch_matches_only_the_generation_still_being_built_and_not_a_preview()
    {
        GenerationsMapping.BuildingFilter("plant-items", 3, previewToo: false).ShouldBeBson(BsonDocument.Parse("""
            { "_id": "plant-items", "building": 3, "preview": { "$ne": true } }
            """));
        GenerationsMapping.BuildingFilter("plant-items", 3, previewToo: true).ShouldBeBson(BsonDocument.Parse("""
            { "_id": "plant-items", "building": 3 }
            """), "an explicit activation switches to a preview too");
    }

    [Fact]
    public void The_switch_makes_the_built_generation_active_with_its_stored_shard_count_in_one_stage()
    {
        GenerationsMapping.ActivateBuildingUpdate(Now).ShouldBeBson(MongoDB.Bson.Serialization.BsonSerializer.Deserialize<BsonArray>("""
            [ { "$set": {
                "active": "$building",
                "activeShards": { "$ifNull": [ "$buildingShards", 1 ] },
                "building": null,
                "preview": { "$literal": false },
                "updatedAt": { "$date": "2026-03-01T09:00:00Z" } } } ]
            """));
    }

    private static BsonDocument Stage(UpdateOneModel<BsonDocument> model) =>
        TestData.RenderUpdate(model.Update).AsBsonArray.Single()["$replaceWith"]["$cond"].AsBsonDocument;
}
