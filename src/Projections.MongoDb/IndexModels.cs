using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>Ascending indexes on the state fields a projection declares (e.g. "status", "currentStation").</summary>
internal static class IndexModels
{
    public static IReadOnlyList<CreateIndexModel<BsonDocument>> For(IReadOnlyList<IndexDefinition> indexes) => indexes
        .Select(i => StateFieldNames.EscapePath(i.Field))
        .Distinct(StringComparer.Ordinal)
        .Select(path => new CreateIndexModel<BsonDocument>(new BsonDocument(path, 1)))
        .ToList();
}
