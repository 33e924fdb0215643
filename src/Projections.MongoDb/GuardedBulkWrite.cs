using MongoDB.Bson;
using MongoDB.Driver;
using Projections.Core.Ports;

namespace Projections.MongoDb;

/// <summary>
/// Sends models as one unordered bulkWrite. Writes that failed transiently (interrupted by a step-down
/// or shutdown) are sent again, alone; the version guard keeps whichever write is newer. Inside a
/// transaction any write error aborts the transaction, so there the whole transaction is retried instead.
/// A refused write stops with the thing written named.
/// </summary>
internal static class GuardedBulkWrite
{
    internal static readonly BulkWriteOptions Unordered = new() { IsOrdered = false };
    private const int MaxRounds = 5;

    /// <param name="describe">Names the thing written by model index, and its aggregate key if any, for error messages.</param>
    public static async Task Run(
        IMongoCollection<BsonDocument> collection,
        IClientSessionHandle? session,
        IReadOnlyList<WriteModel<BsonDocument>> models,
        Func<int, (string What, string? Key)> describe,
        CancellationToken cancellationToken)
    {
        if (models.Count == 0) return;
        IReadOnlyList<int> pending = Enumerable.Range(0, models.Count).ToList();
        for (var round = 1; ; round++)
        {
            var batch = pending.Select(i => models[i]).ToList();
            try
            {
                if (session is null) await collection.BulkWriteAsync(batch, Unordered, cancellationToken).ConfigureAwait(false);
                else await collection.BulkWriteAsync(session, batch, Unordered, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (MongoBulkWriteException<BsonDocument> e)
            {
                if (e.WriteErrors.FirstOrDefault(w => TransactionTooLargeException.IsCode(w.Code)) is { } tooLarge)
                    throw new TransactionTooLargeException(tooLarge.Code, tooLarge.Message, e);
                var triage = BulkTriage.Of(e);
                if (triage.Kind == BulkTriageKind.Fail)
                {
                    if (triage.Failure is not { } failure)
                        throw new ProjectionStoreWriteException($"MongoDB refused a write to '{collection.CollectionNamespace.CollectionName}': {triage.WriteConcernMessage}", inner: e);
                    var (what, key) = describe(pending[failure.Index]);
                    var others = e.WriteErrors.Count > 1 ? $" ({e.WriteErrors.Count - 1} more write(s) of this batch failed too)" : "";
                    throw new ProjectionStoreWriteException(
                        $"MongoDB refused {what} in '{collection.CollectionNamespace.CollectionName}': {failure.Message} (code {failure.Code}){others}", key, e);
                }
                if (triage.Kind == BulkTriageKind.RetryAll || session is not null || round >= MaxRounds)
                    throw new TransientStoreFailure($"bulk write to '{collection.CollectionNamespace.CollectionName}' needs another attempt: {e.Message}", e);
                pending = triage.RetryIndices.Select(i => pending[i]).ToList();
            }
        }
    }
}
