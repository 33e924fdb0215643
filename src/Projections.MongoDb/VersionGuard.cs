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
        var conditions = PositionIsMissingOrLower(StoredCommit, StoredPrepare, position);
        conditions.Add(new BsonDocument("$and", new BsonArray
        {
            Op("$eq", StoredCommit, BsonValues.ToInt64(position.Commit)),
            Op("$eq", StoredPrepare, BsonValues.ToInt64(position.Prepare)),
            Op("$lt", StoredVersion, version),
        }));
        return new BsonDocument("$or", conditions);
    }

    /// <summary>The conditions (for an $or) that the stored position at these field paths is absent or lower than <paramref name="position"/>.</summary>
    public static BsonArray PositionIsMissingOrLower(string storedCommit, string storedPrepare, GlobalPosition position)
    {
        var commit = BsonValues.ToInt64(position.Commit);
        return
        [
            Op("$eq", new BsonDocument("$type", storedCommit), "missing"),
            Op("$lt", storedCommit, commit),
            new BsonDocument("$and", new BsonArray
            {
                Op("$eq", storedCommit, commit),
                Op("$lt", storedPrepare, BsonValues.ToInt64(position.Prepare)),
            }),
        ];
    }

    /// <summary>The single pipeline stage: <paramref name="replacement"/> when <paramref name="condition"/> holds, else the stored document unchanged.</summary>
    public static BsonDocument ReplaceWhen(BsonDocument condition, BsonDocument replacement) =>
        new("$replaceWith", new BsonDocument("$cond", new BsonDocument
        {
            { "if", condition },
            { "then", new BsonDocument("$literal", replacement) },
            { "else", "$$ROOT" },
        }));

    /// <summary>
    /// The single pipeline stage: the new document when the guard holds, else the stored one unchanged.
    /// $literal keeps state values such as "$5 off" from being read as field paths.
    /// </summary>
    public static BsonDocument ReplaceStage(BsonDocument replacement, GlobalPosition position, long version) =>
        ReplaceWhen(StoredIsOlderThan(position, version), replacement);

    private static BsonDocument Op(string op, BsonValue left, BsonValue right) => new(op, new BsonArray { left, right });
}
