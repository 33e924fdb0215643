using MongoDB.Bson;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>
/// One aggregate as a MongoDB document a person can query:
/// <code>
/// { _id: "item-42", status: "Active", currentStation: "S3", ...state fields...,
///   _meta: { version: 12, position: { commit: 1830, prepare: 1830 },
///            updatedAt: ISODate(...), timeoutAt: ISODate(...) | null, timeoutAtTicks: 638... | null } }
/// </code>
/// </summary>
internal static class DocumentMapping
{
    public const string PositionCommitPath = StateFieldNames.Meta + ".position.commit";
    public const string PositionPreparePath = StateFieldNames.Meta + ".position.prepare";
    public const string VersionPath = StateFieldNames.Meta + ".version";

    /// <exception cref="ProjectionStoreWriteException">The state cannot be stored; names the aggregate.</exception>
    public static BsonDocument ToBson(StoredDocument document)
    {
        BsonDocument state;
        BsonDocument meta;
        try
        {
            state = JsonToBson.ReadObject(document.StateJson.Span, StateFieldNames.Escape);
            meta = Meta(document);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new ProjectionStoreWriteException($"The state of aggregate '{document.Key}' cannot be stored in MongoDB: {e.Message}", document.Key, e);
        }
        var result = new BsonDocument(StateFieldNames.Id, document.Key);
        result.AddRange(state.Elements);
        result.Add(StateFieldNames.Meta, meta);
        return result;
    }

    public static BsonDocument Meta(StoredDocument document) => new()
    {
        { "version", new BsonInt64(document.Version) },
        { "position", BsonValues.Position(document.Position) },
        { "updatedAt", BsonValues.Date(document.UpdatedAt) },
        { "timeoutAt", BsonValues.Date(document.TimeoutAt) },
        { "timeoutAtTicks", BsonValues.Ticks(document.TimeoutAt) },
    };

    /// <exception cref="InvalidDataException">The document was not written by this store (no string _id or no _meta).</exception>
    public static StoredDocument FromBson(BsonDocument document, string collection)
    {
        if (!document.TryGetValue(StateFieldNames.Id, out var id) || !id.IsString)
            throw new InvalidDataException($"A document in '{collection}' has no string _id ({document.GetValue(StateFieldNames.Id, BsonNull.Value)}); it was not written by the projection store.");
        if (!document.TryGetValue(StateFieldNames.Meta, out var metaValue) || !metaValue.IsBsonDocument)
            throw new InvalidDataException($"The document '{id.AsString}' in '{collection}' has no _meta sub-document; it was not written by the projection store.");
        var meta = metaValue.AsBsonDocument;
        try
        {
            return new StoredDocument(
                id.AsString,
                BsonToJson.WriteObject(document, StateFieldNames.Unescape),
                meta["version"].ToInt64(),
                BsonValues.ReadPosition(meta["position"]),
                BsonValues.ReadExact(meta, "timeoutAt", "timeoutAtTicks"),
                BsonValues.ReadDate(meta["updatedAt"]));
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidCastException or OverflowException)
        {
            throw new InvalidDataException($"The _meta of document '{id.AsString}' in '{collection}' is malformed: {e.Message}", e);
        }
    }
}
