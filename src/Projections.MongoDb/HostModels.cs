using MongoDB.Bson;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>
/// The host registry in "_hosts", one document per host: <c>{ _id: host, address, startedAt, heartbeatAt, expiresAt }</c>.
/// Every time is the server's <c>$$NOW</c>, like the leases' (<see cref="LeaseModels"/>).
/// </summary>
internal static class HostModels
{
    public const string Collection = "_hosts";

    /// <summary>An upserting pipeline update: the first heartbeat sets startedAt, every one moves heartbeatAt and expiresAt.</summary>
    public static BsonArray HeartbeatUpdate(HostBeat host, TimeSpan timeToLive) =>
    [
        new BsonDocument("$set", new BsonDocument
        {
            { "address", host.Address is null ? BsonNull.Value : new BsonString(host.Address) },
            { "startedAt", new BsonDocument("$ifNull", new BsonArray { "$startedAt", "$$NOW" }) },
            { "heartbeatAt", "$$NOW" },
            { "expiresAt", new BsonDocument("$add", new BsonArray { "$$NOW", (long)timeToLive.TotalMilliseconds }) },
        }),
    ];

    /// <summary>Hosts (other than the caller) gone for longer than <paramref name="forgetGoneAfter"/>.</summary>
    public static BsonDocument ForgetFilter(string hostId, TimeSpan forgetGoneAfter) => new()
    {
        { "_id", new BsonDocument("$ne", hostId) },
        { "$expr", new BsonDocument("$lt", new BsonArray { "$expiresAt", new BsonDocument("$subtract", new BsonArray { "$$NOW", (long)forgetGoneAfter.TotalMilliseconds }) }) },
    };

    public static BsonArray SignOffUpdate() =>
        [new BsonDocument("$set", new BsonDocument("expiresAt", new BsonDocument("$min", new BsonArray { "$expiresAt", "$$NOW" })))];

    /// <summary>Every host in the order they started, with "alive" computed by the server's clock.</summary>
    public static BsonDocument[] ReadPipeline() =>
    [
        new("$addFields", new BsonDocument("alive", new BsonDocument("$gt", new BsonArray { "$expiresAt", "$$NOW" }))),
        new("$sort", new BsonDocument { { "startedAt", 1 }, { "_id", 1 } }),
    ];

    /// <summary>The leases someone holds now by the server's clock: which host writes what.</summary>
    public static BsonDocument HeldLeasesFilter() => new()
    {
        { "owner", new BsonDocument("$ne", BsonNull.Value) },
        { "$expr", new BsonDocument("$gt", new BsonArray { "$expiresAt", "$$NOW" }) },
    };

    public static HostRecord FromBson(BsonDocument document, ILookup<string, LeaseKey> held)
    {
        var id = document["_id"].AsString;
        return new HostRecord(id, document["address"].IsBsonNull ? null : document["address"].AsString,
            Time(document["startedAt"]), Time(document["heartbeatAt"]), document["alive"].AsBoolean, held[id].ToArray());
    }

    private static DateTimeOffset Time(BsonValue value) => new(value.ToUniversalTime(), TimeSpan.Zero);
}
