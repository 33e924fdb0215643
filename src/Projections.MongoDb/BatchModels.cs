using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>The bulk-write models of one flush: guarded upserts, dead letters, checkpoint, and the encoded size of each statement.</summary>
internal sealed record BatchModels(
    string Collection,
    IReadOnlyList<WriteModel<BsonDocument>> Documents,
    IReadOnlyList<string> DocumentKeys,
    IReadOnlyList<int> DocumentBytes,
    IReadOnlyList<WriteModel<BsonDocument>> DeadLetters,
    IReadOnlyList<int> DeadLetterBytes,
    WriteModel<BsonDocument> CheckpointWrite)
{
    /// <summary>MongoDB refuses documents above 16 MiB.</summary>
    public const int MaxDocumentBytes = 16 * 1024 * 1024;

    // What a statement adds around its document: the filter, the guard expression, the pipeline wrapping.
    private const int StatementOverheadBytes = 1024;

    public static BsonDocumentFilterDefinition<BsonDocument> ById(BsonValue id) => new(new BsonDocument("_id", id));

    public static BatchModels For(string databaseName, ProjectionBatch batch, DateTimeOffset now)
    {
        var collection = CollectionNames.Documents(databaseName, batch.Projection, batch.Generation);
        var documents = new List<WriteModel<BsonDocument>>(batch.Documents.Count);
        var keys = new List<string>(batch.Documents.Count);
        var documentBytes = new List<int>(batch.Documents.Count);
        foreach (var document in batch.Documents)
        {
            documents.Add(GuardedUpsert(document, out var bytes));
            keys.Add(document.Key);
            documentBytes.Add(bytes + StatementOverheadBytes);
        }
        var deadLetters = new List<WriteModel<BsonDocument>>(batch.DeadLetters.Count);
        var deadLetterBytes = new List<int>(batch.DeadLetters.Count);
        foreach (var letter in batch.DeadLetters)
        {
            var fields = DeadLetterMapping.Fields(batch.Projection, batch.Generation, letter);
            deadLetters.Add(DeadLetterModel(collection, letter.Position, fields));
            deadLetterBytes.Add(BsonSize.Of(fields) + StatementOverheadBytes);
        }
        return new BatchModels(collection, documents, keys, documentBytes, deadLetters, deadLetterBytes,
            CheckpointModel(collection, batch.Projection, batch.Generation, batch.Shard, batch.Checkpoint, now));
    }

    /// <summary>Upsert by key through the version guard pipeline.</summary>
    public static UpdateOneModel<BsonDocument> GuardedUpsert(StoredDocument document) => GuardedUpsert(document, out _);

    private static UpdateOneModel<BsonDocument> GuardedUpsert(StoredDocument document, out int bytes)
    {
        var replacement = DocumentMapping.ToBson(document);
        bytes = BsonSize.Of(replacement);
        if (bytes > MaxDocumentBytes)
            throw new ProjectionStoreWriteException($"The document of aggregate '{document.Key}' is {bytes} bytes, above MongoDB's limit of {MaxDocumentBytes} bytes.", document.Key);
        var pipeline = new BsonDocumentStagePipelineDefinition<BsonDocument, BsonDocument>([VersionGuard.ReplaceStage(replacement, document.Position, document.Version)]);
        return new UpdateOneModel<BsonDocument>(ById(document.Key), new PipelineUpdateDefinition<BsonDocument>(pipeline)) { IsUpsert = true };
    }

    /// <summary>Insert-once by "{collection}@{position}": parking the same event again changes nothing.</summary>
    private static UpdateOneModel<BsonDocument> DeadLetterModel(string collection, Core.Events.GlobalPosition position, BsonDocument fields)
    {
        var update = new BsonDocumentUpdateDefinition<BsonDocument>(new BsonDocument("$setOnInsert", fields));
        return new UpdateOneModel<BsonDocument>(ById(CollectionNames.DeadLetterId(collection, position)), update) { IsUpsert = true };
    }

    /// <summary>The batch's shard's checkpoint, guarded so it never moves backwards.</summary>
    public static UpdateOneModel<BsonDocument> CheckpointModel(string collection, string projection, int generation, int shard, ProjectionCheckpoint checkpoint, DateTimeOffset now) =>
        CheckpointMapping.GuardedWrite(CheckpointMapping.ToBson(collection, projection, generation, shard, checkpoint, now));
}
