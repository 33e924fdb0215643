using MongoDB.Bson;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>
/// A projection's entry in "_generations": <c>{ _id: "plant-items", active: 1, activeShards: 1, building: 2 | null, buildingShards,
/// preview: true | false, updatedAt }</c>. Readers follow "active". Entries written before shards have no shard counts: one shard each.
/// </summary>
internal static class GenerationsMapping
{
    public static ProjectionGenerations FromBson(BsonDocument document)
    {
        var building = document.GetValue("building", BsonNull.Value);
        var preview = !building.IsBsonNull && document.GetValue("preview", false).ToBoolean();
        return new ProjectionGenerations(document["active"].ToInt32(), building.IsBsonNull ? null : building.ToInt32(), preview)
        {
            ActiveShards = document.GetValue("activeShards", 1).ToInt32(),
            BuildingShards = building.IsBsonNull ? 1 : document.GetValue("buildingShards", 1).ToInt32(),
        };
    }

    /// <summary>The upsert's update that registers a projection: generation 1 active in <paramref name="shards"/> shards; an existing entry keeps its own.</summary>
    public static BsonDocument RegisterUpdate(int shards) =>
        new("$setOnInsert", new BsonDocument { { "active", 1 }, { "activeShards", shards }, { "building", BsonNull.Value } });

    /// <summary>The fields a rebuild or preview sets when it begins.</summary>
    public static BsonDocument BeginFields(int generation, int shards, bool preview) =>
        new() { { "building", generation }, { "buildingShards", shards }, { "preview", preview } };

    /// <summary>Matches the entry only while <paramref name="generation"/> is the one being built; <paramref name="previewToo"/> false leaves a preview alone.</summary>
    public static BsonDocument BuildingFilter(string projection, int generation, bool previewToo)
    {
        var filter = new BsonDocument { { "_id", projection }, { "building", generation } };
        if (!previewToo) filter.Add("preview", new BsonDocument("$ne", true));
        return filter;
    }

    /// <summary>
    /// The generation being built becomes the active one with its shard count, and building is cleared: one pipeline stage
    /// reading the stored fields, so with <see cref="BuildingFilter"/> the check and the switch are one atomic update.
    /// </summary>
    public static BsonArray ActivateBuildingUpdate(DateTimeOffset now) =>
    [
        new BsonDocument("$set", new BsonDocument
        {
            { "active", "$building" },
            { "activeShards", new BsonDocument("$ifNull", new BsonArray { "$buildingShards", 1 }) },
            { "building", BsonNull.Value },
            { "preview", new BsonDocument("$literal", false) }, // in $project a bare false means "exclude"; $literal makes it the value everywhere
            { "updatedAt", BsonValues.Date(now) },
        }),
    ];
}
