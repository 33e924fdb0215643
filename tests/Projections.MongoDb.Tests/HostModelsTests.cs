using FluentAssertions;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using Projections.Core.Ports;
using Xunit;

namespace Projections.MongoDb.Tests;

/// <summary>The host registry commands as sent to the server (the contract suite runs them against one when PROJECTIONS_TEST_MONGO is set).</summary>
public sealed class HostModelsTests
{
    [Fact]
    public void A_heartbeat_keeps_the_first_start_and_moves_heartbeat_and_expiry_by_the_server_clock()
    {
        HostModels.HeartbeatUpdate(new HostBeat("host-a", "http://127.0.0.1:5001"), TimeSpan.FromSeconds(10)).ShouldBeBson(Array("""
            [ { "$set": {
                "address": "http://127.0.0.1:5001",
                "startedAt": { "$ifNull": [ "$startedAt", "$$NOW" ] },
                "heartbeatAt": "$$NOW",
                "expiresAt": { "$add": [ "$$NOW", { "$numberLong": "10000" } ] } } } ]
            """));
        HostModels.HeartbeatUpdate(new HostBeat("host-a", null), TimeSpan.FromSeconds(10))[0]["$set"]["address"].Should().Be(BsonNull.Value);
    }

    [Fact]
    public void Forgetting_spares_the_caller_and_matches_hosts_gone_longer_than_the_forget_time()
    {
        HostModels.ForgetFilter("host-a", TimeSpan.FromHours(1)).ShouldBeBson(BsonDocument.Parse("""
            { "_id": { "$ne": "host-a" },
              "$expr": { "$lt": [ "$expiresAt", { "$subtract": [ "$$NOW", { "$numberLong": "3600000" } ] } ] } }
            """));
    }

    [Fact]
    public void Signing_off_ends_the_heartbeat_now_and_reading_computes_alive_by_the_server_clock()
    {
        HostModels.SignOffUpdate().ShouldBeBson(Array("""[ { "$set": { "expiresAt": { "$min": [ "$expiresAt", "$$NOW" ] } } } ]"""));
        new BsonArray(HostModels.ReadPipeline()).ShouldBeBson(Array("""
            [ { "$addFields": { "alive": { "$gt": [ "$expiresAt", "$$NOW" ] } } }, { "$sort": { "startedAt": 1, "_id": 1 } } ]
            """));
        HostModels.HeldLeasesFilter().ShouldBeBson(BsonDocument.Parse("""{ "owner": { "$ne": null }, "$expr": { "$gt": [ "$expiresAt", "$$NOW" ] } }"""));
    }

    [Fact]
    public void A_stored_host_reads_back_with_the_leases_it_holds()
    {
        var stored = BsonDocument.Parse("""
            { "_id": "host-a", "address": null, "startedAt": { "$date": "2026-03-01T09:00:00Z" }, "heartbeatAt": { "$date": "2026-03-01T09:05:00Z" },
              "expiresAt": { "$date": "2026-03-01T09:05:10Z" }, "alive": true }
            """);
        var key = new LeaseKey("plant-items", 1, 0);

        var host = HostModels.FromBson(stored, new[] { ("host-a", key), ("host-b", key with { Projection = "station-load" }) }.ToLookup(h => h.Item1, h => h.Item2));

        host.Should().BeEquivalentTo(new HostRecord("host-a", null, new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 3, 1, 9, 5, 0, TimeSpan.Zero), true, [key]));
    }

    private static BsonArray Array(string json) => BsonSerializer.Deserialize<BsonArray>(json);
}
