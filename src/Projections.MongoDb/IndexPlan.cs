using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>
/// Which of a projection's ascending indexes (e.g. "status", "currentStation") to create on a generation's
/// collection, given the indexes it already has. An index an operator made on the same key under another
/// name serves the same queries and is adopted: asking for ours would fail with IndexOptionsConflict (85).
/// An index holding our name on another key would fail with IndexKeySpecsConflict (86): reported clearly.
/// </summary>
internal sealed record IndexPlan(IReadOnlyList<CreateIndexModel<BsonDocument>> Create, IReadOnlyList<string> Adopted)
{
    /// <exception cref="InvalidOperationException">An existing index has the store's name on another key.</exception>
    public static IndexPlan For(string collection, IReadOnlyList<IndexDefinition> indexes, IReadOnlyList<BsonDocument> existing)
    {
        var create = new List<CreateIndexModel<BsonDocument>>();
        var adopted = new List<string>();
        foreach (var path in indexes.Select(i => StateFieldNames.EscapePath(i.Field)).Distinct(StringComparer.Ordinal))
        {
            var key = new BsonDocument(path, 1);
            var name = $"{path}_1"; // the name the server gives it
            var sameKey = existing.FirstOrDefault(i => i["key"].Equals(key) && ServesEveryQuery(i));
            if (sameKey is not null)
            {
                if (sameKey["name"].AsString != name) adopted.Add(sameKey["name"].AsString);
                continue;
            }
            var sameName = existing.FirstOrDefault(i => i["name"].AsString == name);
            if (sameName is not null)
                throw new InvalidOperationException(
                    $"'{collection}' already has an index named '{name}' on {sameName["key"]}, but the projection needs {key} under that name. " +
                    $"Drop or rename that index (db.getCollection(\"{collection}\").dropIndex(\"{name}\")) and start again.");
            create.Add(new CreateIndexModel<BsonDocument>(key));
        }
        return new IndexPlan(create, adopted);
    }

    // A partial index or one with a non-simple collation answers only some queries; the server keeps ours beside it.
    private static bool ServesEveryQuery(BsonDocument index) =>
        !index.Contains("partialFilterExpression")
        && (!index.TryGetValue("collation", out var collation) || collation["locale"] == "simple");
}
