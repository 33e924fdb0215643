using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>
/// The checkpoint of a generation's shard in "_checkpoints", with the id of <see cref="CollectionNames.CheckpointId"/>:
/// <c>{ _id: "plant-items.g1", projection, generation, shard, position: { commit, prepare }, streamTime, streamTimeTicks, updatedAt }</c>.
/// Documents written before shards have no shard field and are shard 0's.
/// </summary>
internal static class CheckpointMapping
{
    private const string StoredCommit = "$position.commit";
    private const string StoredPrepare = "$position.prepare";

    public static BsonDocument ToBson(string collection, string projection, int generation, int shard, ProjectionCheckpoint checkpoint, DateTimeOffset now) => new()
    {
        { "_id", CollectionNames.CheckpointId(collection, shard) },
        { "projection", projection },
        { "generation", generation },
        { "shard", shard },
        { "position", BsonValues.Position(checkpoint.Position) },
        { "streamTime", BsonValues.Date(checkpoint.StreamTime) },
        { "streamTimeTicks", BsonValues.Ticks(checkpoint.StreamTime) },
        { "updatedAt", BsonValues.Date(now) },
    };

    /// <summary>
    /// The checkpoint write: an upsert that replaces the stored checkpoint only when the stored position
    /// is absent, lower or the same (idle ticks move stream time at one position), so a late or racing
    /// flush never moves a checkpoint backwards.
    /// </summary>
    public static UpdateOneModel<BsonDocument> GuardedWrite(BsonDocument checkpoint)
    {
        var position = BsonValues.ReadPosition(checkpoint["position"]);
        var conditions = VersionGuard.PositionIsMissingOrLower(StoredCommit, StoredPrepare, position);
        conditions.Add(new BsonDocument("$and", new BsonArray
        {
            new BsonDocument("$eq", new BsonArray { StoredCommit, BsonValues.ToInt64(position.Commit) }),
            new BsonDocument("$eq", new BsonArray { StoredPrepare, BsonValues.ToInt64(position.Prepare) }),
        }));
        var pipeline = new BsonDocumentStagePipelineDefinition<BsonDocument, BsonDocument>([VersionGuard.ReplaceWhen(new BsonDocument("$or", conditions), checkpoint)]);
        return new UpdateOneModel<BsonDocument>(BatchModels.ById(checkpoint["_id"]), new PipelineUpdateDefinition<BsonDocument>(pipeline)) { IsUpsert = true };
    }

    /// <summary>Every shard's checkpoint of a generation (every checkpoint document has carried projection and generation from the start).</summary>
    public static BsonDocument GenerationFilter(string projection, int generation) => new() { { "projection", projection }, { "generation", generation } };

    public static ProjectionCheckpoint FromBson(BsonDocument document) => new(
        BsonValues.ReadPosition(document["position"]),
        BsonValues.ReadExact(document, "streamTime", "streamTimeTicks"));
}
