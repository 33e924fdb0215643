using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>
/// A generation's checkpoint in "_checkpoints", with the generation's collection name as _id:
/// <c>{ _id: "plant-items.g1", projection, generation, position: { commit, prepare }, streamTime, streamTimeTicks, updatedAt }</c>.
/// </summary>
internal static class CheckpointMapping
{
    public static BsonDocument ToBson(string collection, string projection, int generation, ProjectionCheckpoint checkpoint, DateTimeOffset now) => new()
    {
        { "_id", CollectionNames.CheckpointId(collection) },
        { "projection", projection },
        { "generation", generation },
        { "position", BsonValues.Position(checkpoint.Position) },
        { "streamTime", BsonValues.Date(checkpoint.StreamTime) },
        { "streamTimeTicks", BsonValues.Ticks(checkpoint.StreamTime) },
        { "updatedAt", BsonValues.Date(now) },
    };

    /// <summary>
    /// The checkpoint write: an upsert that replaces the stored checkpoint only when the stored position
    /// is absent or lower, so a late or racing flush never moves a checkpoint backwards.
    /// </summary>
    public static UpdateOneModel<BsonDocument> GuardedWrite(BsonDocument checkpoint)
    {
        var position = BsonValues.ReadPosition(checkpoint["position"]);
        var storedIsLower = new BsonDocument("$or", VersionGuard.PositionIsMissingOrLower("$position.commit", "$position.prepare", position));
        var pipeline = new BsonDocumentStagePipelineDefinition<BsonDocument, BsonDocument>([VersionGuard.ReplaceWhen(storedIsLower, checkpoint)]);
        return new UpdateOneModel<BsonDocument>(BatchModels.ById(checkpoint["_id"]), new PipelineUpdateDefinition<BsonDocument>(pipeline)) { IsUpsert = true };
    }

    public static ProjectionCheckpoint FromBson(BsonDocument document) => new(
        BsonValues.ReadPosition(document["position"]),
        BsonValues.ReadExact(document, "streamTime", "streamTimeTicks"));
}
