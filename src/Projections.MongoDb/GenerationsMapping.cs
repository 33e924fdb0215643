using MongoDB.Bson;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>A projection's entry in "_generations": <c>{ _id: "plant-items", active: 1, building: 2 | null, preview: true | false (absent: false), updatedAt }</c>. Readers follow "active".</summary>
internal static class GenerationsMapping
{
    public static ProjectionGenerations FromBson(BsonDocument document)
    {
        var building = document.GetValue("building", BsonNull.Value);
        var preview = !building.IsBsonNull && document.GetValue("preview", false).ToBoolean();
        return new ProjectionGenerations(document["active"].ToInt32(), building.IsBsonNull ? null : building.ToInt32(), preview);
    }
}
