using MongoDB.Bson;

namespace Projections.MongoDb;

/// <summary>
/// How much one transaction of a flush may hold. The driver splits a bulk write above the server's
/// maxWriteBatchSize statements or maxMessageSizeBytes into several commands; inside a transaction the
/// first command's refusal aborts the transaction and the next command's NoSuchTransaction hides it.
/// So a piece stays below both (and below the store's own smaller defaults, which keep a transaction
/// well inside the server's cache and its 60 s transactionLifetimeLimitSeconds).
/// </summary>
internal sealed record TransactionLimits(int MaxStatements, long MaxBytes)
{
    public const int DefaultMaxStatements = 1_000;
    public const long DefaultMaxBytes = 16L * 1024 * 1024;

    public static readonly TransactionLimits Default = new(DefaultMaxStatements, DefaultMaxBytes);

    /// <summary>The defaults, lowered to what the server's hello reply says one command may carry.</summary>
    public static TransactionLimits FromHello(BsonDocument hello)
    {
        var statements = Math.Min(DefaultMaxStatements, hello.GetValue("maxWriteBatchSize", 100_000).ToInt32());
        var bytes = Math.Min(DefaultMaxBytes, hello.GetValue("maxMessageSizeBytes", 48_000_000).ToInt64() / 2);
        return new TransactionLimits(Math.Max(1, statements), Math.Max(1, bytes));
    }

    /// <summary>Half of what <paramref name="failed"/> held: the server found that transaction too large or too long.</summary>
    public TransactionLimits HalfOf(FlushPiece failed) =>
        new(Math.Max(1, failed.Statements / 2), Math.Max(1, failed.Bytes / 2));
}

/// <summary>
/// One transaction of a flush: a run of documents, then a run of dead letters, and the checkpoint only
/// in the last piece. Earlier pieces commit documents ahead of the checkpoint, which replay tolerates
/// (design invariant 4); the checkpoint is never ahead of what is committed (invariant 3).
/// </summary>
internal readonly record struct FlushPiece(int FirstDocument, int DocumentCount, int FirstDeadLetter, int DeadLetterCount, bool WithCheckpoint, long Bytes)
{
    public int Statements => DocumentCount + DeadLetterCount;

    /// <summary>The next piece from these positions: as many documents, then dead letters, as the limits allow (at least one).</summary>
    public static FlushPiece Next(BatchModels models, int firstDocument, int firstDeadLetter, TransactionLimits limits)
    {
        long bytes = 0;
        var statements = 0;
        bool Fits(int itemBytes) => statements == 0 || (statements + 1 <= limits.MaxStatements && bytes + itemBytes <= limits.MaxBytes);

        var document = firstDocument;
        while (document < models.Documents.Count && Fits(models.DocumentBytes[document]))
        {
            bytes += models.DocumentBytes[document++];
            statements++;
        }
        var deadLetter = firstDeadLetter;
        if (document == models.Documents.Count)
            while (deadLetter < models.DeadLetters.Count && Fits(models.DeadLetterBytes[deadLetter]))
            {
                bytes += models.DeadLetterBytes[deadLetter++];
                statements++;
            }
        var last = document == models.Documents.Count && deadLetter == models.DeadLetters.Count;
        return new FlushPiece(firstDocument, document - firstDocument, firstDeadLetter, deadLetter - firstDeadLetter, last, bytes);
    }
}
