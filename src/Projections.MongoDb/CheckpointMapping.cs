using MongoDB.Bson;
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

    public static ProjectionCheckpoint FromBson(BsonDocument document) => new(
        BsonValues.ReadPosition(document["position"]),
        BsonValues.ReadExact(document, "streamTime", "streamTimeTicks"));
}
