using MongoDB.Bson;

namespace Projections.MongoDb;

/// <summary>
/// Checks an existing collection's listCollections entry. A collection with a collation other than
/// "simple" compares _id by it (e.g. case-insensitively): two aggregates whose keys differ only in case
/// would share one document. A view or time-series collection cannot hold the store's upserts.
/// </summary>
internal static class CollectionOptionsCheck
{
    /// <returns>What is wrong, or null when the collection is usable (or absent).</returns>
    public static string? Problem(string collection, BsonDocument? listCollectionsEntry)
    {
        if (listCollectionsEntry is null) return null;
        var type = listCollectionsEntry.GetValue("type", "collection").AsString;
        if (type != "collection")
            return $"'{collection}' is a {type}, not a collection; the MongoDB store needs a plain collection under that name. Drop it or use another database.";
        var options = listCollectionsEntry.GetValue("options", new BsonDocument()).AsBsonDocument;
        if (options.TryGetValue("collation", out var collation) && collation.IsBsonDocument && collation["locale"] != "simple")
            return $"'{collection}' has the collation {collation} (locale '{collation["locale"]}'): _id would match by it, so aggregates whose keys differ only in case or accents would share one document. " +
                   "The store needs the simple (binary) collation: drop the collection, or recreate it without a collation.";
        return null;
    }
}
