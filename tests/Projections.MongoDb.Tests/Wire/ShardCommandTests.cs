using FluentAssertions;
using MongoDB.Bson;
using Projections.Core.Events;
using Projections.Core.Ports;
using Xunit;
using static Projections.MongoDb.Tests.Wire.WireFixtures;

namespace Projections.MongoDb.Tests.Wire;

/// <summary>The shard commands as the real driver sends them: each shard's checkpoint document, and the sharded switch as one conditional update.</summary>
public sealed class ShardCommandTests
{
    [Fact(Timeout = 60_000)]
    public async Task The_sharded_switch_is_one_conditional_update_and_reports_whether_it_matched()
    {
        var matches = new Queue<int>([1, 0]);
        await using var server = new ScriptedMongoServer(c => IsUpdateOf(c, CollectionNames.Generations)
            ? new BsonDocument { { "n", matches.Dequeue() }, { "nModified", 0 }, { "ok", 1.0 } }
            : null);
        using var store = Store(server);
        await store.Initialize(TestContext.Current.CancellationToken);
        var before = server.Commands.Count;

        (await store.ActivateBuiltGeneration("plant-items", 3, TestContext.Current.CancellationToken)).Should().BeTrue();
        (await store.ActivateBuiltGeneration("plant-items", 3, TestContext.Current.CancellationToken)).Should().BeFalse("nothing matched: another host switched, or the generation was dropped");

        var sent = server.Commands.Skip(before).ToList();
        sent.Should().HaveCount(2).And.OnlyContain(c => IsUpdateOf(c, CollectionNames.Generations), "no read comes before the update");
        var statement = sent[0]["updates"].AsBsonArray.Should().ContainSingle().Subject.AsBsonDocument;
        statement["q"].ShouldBeBson(BsonDocument.Parse("""{ "_id": "plant-items", "building": 3, "preview": { "$ne": true } }"""));
        var set = statement["u"].AsBsonArray.Should().ContainSingle().Subject["$set"].AsBsonDocument;
        set["updatedAt"].IsValidDateTime.Should().BeTrue();
        set.Remove("updatedAt");
        set.ShouldBeBson(BsonDocument.Parse("""{ "active": "$building", "activeShards": { "$ifNull": [ "$buildingShards", 1 ] }, "building": null, "preview": { "$literal": false } }"""));
        statement.GetValue("upsert", false).ToBoolean().Should().BeFalse();
        statement.GetValue("multi", false).ToBoolean().Should().BeFalse();
    }

    [Fact(Timeout = 60_000)]
    public async Task Each_shard_reads_and_writes_its_own_checkpoint_document()
    {
        var stored = new Dictionary<string, BsonDocument>
        {
            // As every version before shards wrote it: no shard field, the collection's name as id.
            ["plant-items.g1"] = BsonDocument.Parse("""{ "_id": "plant-items.g1", "projection": "plant-items", "generation": 1, "position": { "commit": { "$numberLong": "700" }, "prepare": { "$numberLong": "700" } }, "streamTime": null, "streamTimeTicks": null }"""),
            ["plant-items.g1#2"] = BsonDocument.Parse("""{ "_id": "plant-items.g1#2", "projection": "plant-items", "generation": 1, "shard": 2, "position": { "commit": { "$numberLong": "90" }, "prepare": { "$numberLong": "90" } }, "streamTime": null, "streamTimeTicks": null }"""),
        };
        await using var server = new ScriptedMongoServer(c =>
            ScriptedMongoServer.NameOf(c) == "find" && Collection(c) == CollectionNames.Checkpoints
                ? ScriptedMongoServer.Cursor("projections._checkpoints", stored.TryGetValue(c["filter"]["_id"].AsString, out var found) ? [found] : [])
                : null);
        using var store = Store(server);

        (await store.LoadCheckpoint("plant-items", 1, TestContext.Current.CancellationToken))!.Position.Should().Be(GlobalPosition.Of(700));
        (await store.LoadCheckpoint("plant-items", 1, 0, TestContext.Current.CancellationToken))!.Position.Should().Be(GlobalPosition.Of(700));
        (await store.LoadCheckpoint("plant-items", 1, 2, TestContext.Current.CancellationToken))!.Position.Should().Be(GlobalPosition.Of(90));
        (await store.LoadCheckpoint("plant-items", 1, 1, TestContext.Current.CancellationToken)).Should().BeNull();
        await store.WriteBatch(Batch(1) with { Shard = 1 }, TestContext.Current.CancellationToken);

        server.CommandsNamed("find").Where(c => Collection(c) == CollectionNames.Checkpoints).Select(c => c["filter"]["_id"].AsString)
            .Should().Equal("plant-items.g1", "plant-items.g1", "plant-items.g1#2", "plant-items.g1#1");
        server.Commands.Where(c => IsUpdateOf(c, CollectionNames.Checkpoints)).SelectMany(Ids).Should().Equal("plant-items.g1#1");
    }

    [Fact(Timeout = 60_000)]
    public async Task Dropping_a_generation_deletes_every_shard_checkpoint_by_projection_and_generation()
    {
        var generations = new BsonDocument { { "_id", "plant-items" }, { "active", 1 }, { "building", 2 }, { "buildingShards", 3 } };
        await using var server = new ScriptedMongoServer(c =>
            ScriptedMongoServer.NameOf(c) == "find" && Collection(c) == CollectionNames.Generations
                ? ScriptedMongoServer.Cursor("projections._generations", [generations])
                : null);
        using var store = Store(server);

        await store.DropGeneration("plant-items", 2, TestContext.Current.CancellationToken);

        var delete = server.CommandsNamed("delete").Should().ContainSingle(c => Collection(c) == CollectionNames.Checkpoints).Subject;
        var statement = delete["deletes"].AsBsonArray.Should().ContainSingle().Subject;
        statement["q"].ShouldBeBson(BsonDocument.Parse("""{ "projection": "plant-items", "generation": 2 }"""));
        statement["limit"].ToInt32().Should().Be(0, "every shard's document, not one");
    }
}
