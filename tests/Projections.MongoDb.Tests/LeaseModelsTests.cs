using FluentAssertions;
using MongoDB.Bson;
using Projections.Core.Ports;
using Xunit;

namespace Projections.MongoDb.Tests;

/// <summary>The lease commands as sent to the server (the contract suite runs them against one when PROJECTIONS_TEST_MONGO is set).</summary>
public sealed class LeaseModelsTests
{
    private static readonly LeaseKey Key = new("plant-items", 2, 0);
    private static readonly Lease Held = new(Key, "host-a", 7);

    [Fact]
    public void Acquiring_matches_a_free_expired_or_own_lease_by_the_server_clock()
    {
        LeaseModels.AcquireFilter(Key, "host-a").ShouldBeBson(BsonDocument.Parse("""
            { "_id": { "p": "plant-items", "g": 2, "s": 0 },
              "$or": [ { "owner": "host-a" }, { "owner": null }, { "$expr": { "$lte": [ "$expiresAt", "$$NOW" ] } } ] }
            """));
    }

    [Fact]
    public void Acquiring_keeps_the_epoch_for_the_same_owner_and_otherwise_takes_the_next_one()
    {
        LeaseModels.AcquireUpdate("host-a", TimeSpan.FromSeconds(10)).ShouldBeBson(BsonArray.Create(BsonSerializerParse("""
            [ { "$set": {
                "epoch": { "$cond": [ { "$eq": [ "$owner", "host-a" ] }, "$epoch",
                                      { "$add": [ { "$ifNull": [ "$epoch", { "$numberLong": "0" } ] }, { "$numberLong": "1" } ] } ] },
                "owner": "host-a",
                "expiresAt": { "$add": [ "$$NOW", { "$numberLong": "10000" } ] } } } ]
            """)));
    }

    [Fact]
    public void Renew_release_and_the_write_fence_match_only_the_holder_and_its_epoch()
    {
        var held = BsonDocument.Parse("""{ "_id": { "p": "plant-items", "g": 2, "s": 0 }, "owner": "host-a", "epoch": { "$numberLong": "7" } }""");

        LeaseModels.HeldFilter(Held).ShouldBeBson(held);
        LeaseModels.RenewUpdate(TimeSpan.FromSeconds(10)).ShouldBeBson(BsonArray.Create(BsonSerializerParse("""
            [ { "$set": { "expiresAt": { "$add": [ "$$NOW", { "$numberLong": "10000" } ] } } } ]
            """)));
        LeaseModels.ReleaseUpdate().ShouldBeBson(BsonArray.Create(BsonSerializerParse("""[ { "$set": { "owner": null, "expiresAt": "$$NOW" } } ]""")));
        LeaseModels.FenceUpdate().ShouldBeBson(BsonDocument.Parse("""{ "$currentDate": { "lastWriteAt": true } }"""));
    }

    [Fact]
    public void Dropping_or_beginning_a_generation_revokes_its_leases_by_bumping_their_epochs()
    {
        LeaseModels.GenerationFilter("plant-items", 2).ShouldBeBson(BsonDocument.Parse("""{ "_id.p": "plant-items", "_id.g": 2 }"""));
        LeaseModels.RevokeUpdate().ShouldBeBson(BsonArray.Create(BsonSerializerParse("""
            [ { "$set": { "owner": null, "epoch": { "$add": [ "$epoch", { "$numberLong": "1" } ] }, "expiresAt": "$$NOW" } } ]
            """)));
    }

    [Fact]
    public void A_stored_lease_reads_back_as_a_record()
    {
        var stored = BsonDocument.Parse("""
            { "_id": { "p": "plant-items", "g": 2, "s": 1 }, "owner": null, "epoch": { "$numberLong": "8" }, "expiresAt": { "$date": "2026-03-01T09:00:10Z" } }
            """);

        LeaseModels.FromBson(stored).Should().Be(new LeaseRecord(new LeaseKey("plant-items", 2, 1), null, 8, new DateTimeOffset(2026, 3, 1, 9, 0, 10, TimeSpan.Zero)));
    }

    private static BsonValue BsonSerializerParse(string json) => MongoDB.Bson.Serialization.BsonSerializer.Deserialize<BsonArray>(json);
}
