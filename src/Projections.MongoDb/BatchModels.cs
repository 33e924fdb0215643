using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>The bulk-write models of one flush: guarded upserts, dead letters, checkpoint.</summary>
internal sealed record BatchModels(
    string Collection,
    IReadOnlyList<WriteModel<BsonDocument>> Documents,
    IReadOnlyList<string> DocumentKeys,
    IReadOnlyList<WriteModel<BsonDocument>> DeadLetters,
    WriteModel<BsonDocument> CheckpointWrite)
{
    // MongoDB refuses documents above 16 MiB. A JSON text of n bytes becomes at most ~6.5n bytes of
    // BSON (worst case: arrays of one-digit numbers), so only states above 2 MiB are measured exactly.
    public const int MaxDocumentBytes = 16 * 1024 * 1024;
    private const int MeasureAboveJsonBytes = 2 * 1024 * 1024;

    public static BsonDocumentFilterDefinition<BsonDocument> ById(BsonValue id) => new(new BsonDocument("_id", id));

    public static BatchModels For(string databaseName, ProjectionBatch batch, DateTimeOffset now)
    {
        var collection = CollectionNames.Documents(databaseName, batch.Projection, batch.Generation);
        var documents = new List<WriteModel<BsonDocument>>(batch.Documents.Count);
        var keys = new List<string>(batch.Documents.Count);
        foreach (var document in batch.Documents)
        {
            documents.Add(GuardedUpsert(document));
            keys.Add(document.Key);
        }
        var deadLetters = batch.DeadLetters.Select(l => DeadLetterModel(collection, batch.Projection, batch.Generation, l)).ToList();
        return new BatchModels(collection, documents, keys, deadLetters, CheckpointModel(collection, batch.Projection, batch.Generation, batch.Checkpoint, now));
    }

    /// <summary>Upsert by key through the version guard pipeline.</summary>
    public static UpdateOneModel<BsonDocument> GuardedUpsert(StoredDocument document)
    {
        var replacement = DocumentMapping.ToBson(document);
        if (document.StateJson.Length > MeasureAboveJsonBytes)
        {
            var size = replacement.ToBson().Length;
            if (size > MaxDocumentBytes)
                throw new ProjectionStoreWriteException($"The document of aggregate '{document.Key}' is {size} bytes, above MongoDB's limit of {MaxDocumentBytes} bytes.", document.Key);
        }
        var pipeline = new BsonDocumentStagePipelineDefinition<BsonDocument, BsonDocument>([VersionGuard.ReplaceStage(replacement, document.Position, document.Version)]);
        return new UpdateOneModel<BsonDocument>(ById(document.Key), new PipelineUpdateDefinition<BsonDocument>(pipeline)) { IsUpsert = true };
    }

    /// <summary>Insert-once by "{collection}@{position}": parking the same event again changes nothing.</summary>
    public static UpdateOneModel<BsonDocument> DeadLetterModel(string collection, string projection, int generation, DeadLetter letter)
    {
        var update = new BsonDocumentUpdateDefinition<BsonDocument>(new BsonDocument("$setOnInsert", DeadLetterMapping.Fields(projection, generation, letter)));
        return new UpdateOneModel<BsonDocument>(ById(CollectionNames.DeadLetterId(collection, letter.Position)), update) { IsUpsert = true };
    }

    public static ReplaceOneModel<BsonDocument> CheckpointModel(string collection, string projection, int generation, ProjectionCheckpoint checkpoint, DateTimeOffset now)
    {
        var document = CheckpointMapping.ToBson(collection, projection, generation, checkpoint, now);
        return new ReplaceOneModel<BsonDocument>(ById(document["_id"]), document) { IsUpsert = true };
    }
}
