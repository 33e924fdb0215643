using Microsoft.Extensions.Logging;
using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>Flushes: pieces in order, each in its own transaction where there are transactions, the checkpoint in the last.</summary>
public sealed partial class MongoProjectionStore
{
    // Committing again is what an unknown commit result asks for; after that the piece is written again.
    private const int CommitAttempts = 3;

    public async Task WriteBatch(ProjectionBatch batch, CancellationToken cancellationToken)
    {
        // Mapping first: a state MongoDB cannot hold is reported naming its aggregate, even while the server is down.
        var models = BatchModels.For(_settings.DatabaseName, batch, _time.GetUtcNow());
        await Ready(cancellationToken).ConfigureAwait(false);
        var limits = _limits;
        var (document, deadLetter) = (0, 0);
        while (true)
        {
            var piece = FlushPiece.Next(models, document, deadLetter, limits);
            var operation = $"write {piece.DocumentCount} of the {models.Documents.Count} document(s) of a flush to '{models.Collection}'";
            try
            {
                await _retry.Run(operation, t => UsesTransactions ? WriteInTransaction(models, piece, batch.Fence, t) : WriteInOrder(null, models, piece, batch.Fence, t),
                    cancellationToken, isWrite: true).ConfigureAwait(false);
            }
            catch (TransactionTooLargeException e) when (piece.Statements > 1)
            {
                limits = limits.HalfOf(piece);
                _logger.LogWarning("{Store}: a transaction of {Statements} writes ({Bytes} bytes) to '{Collection}' was too large or too long ({Error}); writing at most {Limit} per transaction",
                    Description, piece.Statements, piece.Bytes, models.Collection, e.Message, limits.MaxStatements);
                continue;
            }
            catch (TransactionTooLargeException e)
            {
                if (e.Code == MongoErrorCodes.TransactionTooLargeForCache && piece.DocumentCount == 1)
                {
                    var key = models.DocumentKeys[piece.FirstDocument];
                    throw new ProjectionStoreWriteException($"MongoDB cannot hold the document of aggregate '{key}' in one transaction in '{models.Collection}': {e.Message} (code {e.Code})", key, e);
                }
                throw new ProjectionStoreUnavailableException($"{Description} could not {operation}: even a transaction of one write failed: {e.Message}", e);
            }
            if (piece.WithCheckpoint) return;
            document += piece.DocumentCount;
            deadLetter += piece.DeadLetterCount;
        }
    }

    /// <summary>
    /// One piece in one transaction, bounded in time below the server's transactionLifetimeLimitSeconds
    /// (60 s by default). Disposing the session aborts the transaction when anything failed.
    /// </summary>
    private async Task WriteInTransaction(BatchModels models, FlushPiece piece, Lease? fence, CancellationToken cancellationToken)
    {
        using var session = await _client.StartSessionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.TransactionTimeLimit);
        session.StartTransaction(new TransactionOptions(writeConcern: _settings.WriteConcern));
        try
        {
            await WriteInOrder(session, models, piece, fence, deadline.Token).ConfigureAwait(false);
            await Commit(session, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TransactionTooLargeException(0, $"the transaction took longer than {_options.TransactionTimeLimit.TotalSeconds:0.###} s", e);
        }
        catch (MongoCommandException e) when (TransactionTooLargeException.IsCode(MongoErrorClassifier.CodeOf(e)))
        {
            throw new TransactionTooLargeException(MongoErrorClassifier.CodeOf(e), e.Message, e);
        }
    }

    private static async Task Commit(IClientSessionHandle session, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await session.CommitTransactionAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (MongoException e) when (attempt < CommitAttempts && e.HasErrorLabel(MongoErrorCodes.UnknownTransactionCommitResult))
            {
                // The commit may or may not have happened (e.g. a write concern timeout): committing again is safe.
            }
        }
    }

    /// <summary>
    /// The lease fence, documents, then dead letters, then (in the last piece) the checkpoint: each step starts only
    /// after the previous one succeeded. In a transaction the fence write conflicts with a concurrent take-over, so the
    /// check and the writes are atomic; without transactions it is a check just before the writes (design.md "Several hosts").
    /// </summary>
    private async Task WriteInOrder(IClientSessionHandle? session, BatchModels models, FlushPiece piece, Lease? fence, CancellationToken cancellationToken)
    {
        if (fence is not null) await CheckFence(session, fence, cancellationToken).ConfigureAwait(false);
        await GuardedBulkWrite.Run(Collection(models.Collection), session, Slice(models.Documents, piece.FirstDocument, piece.DocumentCount),
            i => ($"the document of aggregate '{models.DocumentKeys[piece.FirstDocument + i]}'", models.DocumentKeys[piece.FirstDocument + i]), cancellationToken).ConfigureAwait(false);
        await GuardedBulkWrite.Run(Collection(CollectionNames.DeadLetters), session, Slice(models.DeadLetters, piece.FirstDeadLetter, piece.DeadLetterCount),
            _ => ($"a dead letter of '{models.Collection}'", null), cancellationToken).ConfigureAwait(false);
        if (piece.WithCheckpoint)
            await GuardedBulkWrite.Run(Collection(CollectionNames.Checkpoints), session, [models.CheckpointWrite],
                _ => ($"the checkpoint of '{models.Collection}'", null), cancellationToken).ConfigureAwait(false);
    }

    private static List<WriteModel<BsonDocument>> Slice(IReadOnlyList<WriteModel<BsonDocument>> models, int first, int count)
    {
        var slice = new List<WriteModel<BsonDocument>>(count);
        for (var i = first; i < first + count; i++) slice.Add(models[i]);
        return slice;
    }
}
