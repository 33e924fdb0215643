using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>
/// Leases in "_leases", one document per (projection, generation, shard):
/// <c>{ _id: { p, g, s }, owner, epoch, expiresAt, lastWriteAt }</c>. Every time is the server's
/// <c>$$NOW</c>, so hosts with skewed clocks still agree when a lease ran out.
/// </summary>
internal static class LeaseModels
{
    public const string Collection = "_leases";

    public static BsonDocument Id(LeaseKey key) => new() { { "p", key.Projection }, { "g", key.Generation }, { "s", key.Shard } };

    /// <summary>Matches the lease when it is free, ran out, or is already the owner's; an upsert that matches nothing collides on _id (held elsewhere).</summary>
    public static BsonDocument AcquireFilter(LeaseKey key, string owner) => new()
    {
        { "_id", Id(key) },
        { "$or", new BsonArray
            {
                new BsonDocument("owner", owner),
                new BsonDocument("owner", BsonNull.Value),
                new BsonDocument("$expr", new BsonDocument("$lte", new BsonArray { "$expiresAt", "$$NOW" })),
            } },
    };

    /// <summary>Keeps the epoch for the same owner, otherwise the next one (1 for a new lease).</summary>
    public static BsonArray AcquireUpdate(string owner, TimeSpan timeToLive) =>
    [
        new BsonDocument("$set", new BsonDocument
        {
            { "epoch", new BsonDocument("$cond", new BsonArray
                {
                    new BsonDocument("$eq", new BsonArray { "$owner", owner }),
                    "$epoch",
                    new BsonDocument("$add", new BsonArray { new BsonDocument("$ifNull", new BsonArray { "$epoch", 0L }), 1L }),
                }) },
            { "owner", owner },
            { "expiresAt", ExpiresIn(timeToLive) },
        }),
    ];

    /// <summary>The lease as this holder took it: renew, release and the write fence match only while owner and epoch are unchanged.</summary>
    public static BsonDocument HeldFilter(Lease lease) => new() { { "_id", Id(lease.Key) }, { "owner", lease.Owner }, { "epoch", lease.Epoch } };

    public static BsonArray RenewUpdate(TimeSpan timeToLive) => [new BsonDocument("$set", new BsonDocument("expiresAt", ExpiresIn(timeToLive)))];

    public static BsonArray ReleaseUpdate() => [new BsonDocument("$set", new BsonDocument { { "owner", BsonNull.Value }, { "expiresAt", "$$NOW" } })];

    /// <summary>Written first in a flush's transaction: it matches only while the writer holds the lease, and it conflicts with a concurrent take-over.</summary>
    public static BsonDocument FenceUpdate() => new("$currentDate", new BsonDocument("lastWriteAt", true));

    public static BsonDocument GenerationFilter(string projection, int generation) => new() { { "_id.p", projection }, { "_id.g", generation } };

    /// <summary>Frees a generation's leases and bumps their epochs, so their holders are fenced out.</summary>
    public static BsonArray RevokeUpdate() =>
    [
        new BsonDocument("$set", new BsonDocument
        {
            { "owner", BsonNull.Value },
            { "epoch", new BsonDocument("$add", new BsonArray { "$epoch", 1L }) },
            { "expiresAt", "$$NOW" },
        }),
    ];

    public static LeaseRecord FromBson(BsonDocument document)
    {
        var id = document["_id"].AsBsonDocument;
        return new LeaseRecord(new LeaseKey(id["p"].AsString, id["g"].ToInt32(), id["s"].ToInt32()),
            document["owner"].IsBsonNull ? null : document["owner"].AsString, document["epoch"].ToInt64(),
            new DateTimeOffset(document["expiresAt"].ToUniversalTime(), TimeSpan.Zero));
    }

    private static BsonDocument ExpiresIn(TimeSpan timeToLive) => new("$add", new BsonArray { "$$NOW", (long)timeToLive.TotalMilliseconds });
}
