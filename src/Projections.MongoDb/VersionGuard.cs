using MongoDB.Bson;
using Projections.Core.Events;

namespace Projections.MongoDb;

/// <summary>
/// The update pipeline that makes a document write idempotent and order-proof (design invariant 4):
/// the stored document is replaced only when it has no position yet (a fresh upsert), a lower one, or
/// the same position with a lower version (a timeout changes the state without a new event).
/// A replay or a late write of an older snapshot leaves a newer document untouched. Uses only
/// $replaceWith/$cond/$literal/$type, so it is correct on MongoDB 4.2 and later (5.0+ supported).
/// </summary>
internal static class VersionGuard
{
    private const string StoredCommit = "$" + DocumentMapping.PositionCommitPath;
    private const string StoredPrepare = "$" + DocumentMapping.PositionPreparePath;
    private const string StoredVersion = "$" + DocumentMapping.VersionPath;

    /// <summary>True when the stored (position, version) is absent or lower than the new one (commit, then prepare, then version).</summary>
    public static BsonDocument StoredIsOlderThan(GlobalPosition position, long version)
    {
        var commit = BsonValues.ToInt64(position.Commit);
        var prepare = BsonValues.ToInt64(position.Prepare);
        return new BsonDocument("$or", new BsonArray
        {
            Op("$eq", new BsonDocument("$type", StoredCommit), "missing"),
            Op("$lt", StoredCommit, commit),
            new BsonDocument("$and", new BsonArray
            {
                Op("$eq", StoredCommit, commit),
                Op("$lt", StoredPrepare, prepare),
            }),
            new BsonDocument("$and", new BsonArray
            {
                Op("$eq", StoredCommit, commit),
                Op("$eq", StoredPrepare, prepare),
                Op("$lt", StoredVersion, version),
            }),
        });
    }

    /// <summary>
    /// The single pipeline stage: the new document when the guard holds, else the stored one unchanged.
    /// $literal keeps state values such as "$5 off" from being read as field paths.
    /// </summary>
    public static BsonDocument ReplaceStage(BsonDocument replacement, GlobalPosition position, long version) =>
        new("$replaceWith", new BsonDocument("$cond", new BsonDocument
        {
            { "if", StoredIsOlderThan(position, version) },
            { "then", new BsonDocument("$literal", replacement) },
            { "else", "$$ROOT" },
        }));

    private static BsonDocument Op(string op, BsonValue left, BsonValue right) => new(op, new BsonArray { left, right });
}
