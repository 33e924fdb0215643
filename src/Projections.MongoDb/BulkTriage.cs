using MongoDB.Driver;

namespace Projections.MongoDb;

internal readonly record struct WriteFailure(int Index, int Code, string Message);

internal enum BulkTriageKind
{
    /// <summary>Some writes failed in a way retrying cannot fix (validation, document too large, ...).</summary>
    Fail,
    /// <summary>The writes went through but the write concern was not satisfied in time: write everything again.</summary>
    RetryAll,
    /// <summary>Only these writes failed, transiently (interrupted by a step-down, an _id upsert race the server gave up retrying): write them again.</summary>
    RetrySome,
}

/// <summary>What to do after an unordered bulk write reported errors. Every write is idempotent, so writing again is always safe.</summary>
internal sealed record BulkTriage(BulkTriageKind Kind, IReadOnlyList<int> RetryIndices, WriteFailure? Failure, string? WriteConcernMessage)
{
    public static BulkTriage Of(MongoBulkWriteException exception) => Of(
        exception.WriteErrors.Select(e => new WriteFailure(e.Index, e.Code, e.Message)).ToList(),
        exception.WriteConcernError is { } wc ? (wc.Code, wc.Message) : null);

    public static BulkTriage Of(IReadOnlyList<WriteFailure> writeErrors, (int Code, string Message)? writeConcernError)
    {
        foreach (var error in writeErrors)
            if (!MongoErrorClassifier.IsTransientWriteError(error.Code, error.Message))
                return new BulkTriage(BulkTriageKind.Fail, [], error, null);
        if (writeConcernError is { } wc)
            return MongoErrorClassifier.IsTransientCode(wc.Code)
                ? new BulkTriage(BulkTriageKind.RetryAll, [], null, wc.Message)
                : new BulkTriage(BulkTriageKind.Fail, [], null, $"write concern failed: {wc.Message} (code {wc.Code})");
        return new BulkTriage(BulkTriageKind.RetrySome, writeErrors.Select(e => e.Index).Order().ToList(), null, null);
    }
}
