using MongoDB.Driver;

namespace Projections.MongoDb;

/// <summary>Sorts driver exceptions into "retry later" and "retrying cannot help".</summary>
internal static class MongoErrorClassifier
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        TransientStoreFailure => true,
        MongoAuthenticationException => false, // derives from MongoConnectionException, but wrong credentials stay wrong
        MongoConnectionException => true,
        MongoNotPrimaryException or MongoNodeIsRecoveringException or MongoExecutionTimeoutException => true,
        TimeoutException => true, // server selection: no usable server yet
        MongoBulkWriteException bulk => BulkTriage.Of(bulk).Kind is BulkTriageKind.RetryAll or BulkTriageKind.RetrySome,
        MongoWriteException write => write.WriteError is { } error
            ? error.Category == ServerErrorCategory.ExecutionTimeout || IsTransientCode(error.Code)
            : write.WriteConcernError is { } wc && IsTransientCode(wc.Code),
        MongoCommandException command => IsTransientCode(command.Code) || HasTransientLabel(command),
        MongoException mongo => HasTransientLabel(mongo),
        _ => false,
    };

    // Our only unique index is _id, so a duplicate key is always two upserts of the same id racing:
    // the retry finds the document and updates it (or the guard keeps the newer one).
    public static bool IsTransientCode(int code) => code == MongoErrorCodes.DuplicateKey || MongoErrorCodes.Transient.Contains(code);

    private static bool HasTransientLabel(MongoException exception) =>
        exception.ErrorLabels.Any(MongoErrorCodes.TransientLabels.Contains);
}

/// <summary>A failure the store recognised as transient itself (e.g. a duplicate-key race that needs the whole transaction again).</summary>
internal sealed class TransientStoreFailure(string message, Exception? inner = null) : Exception(message, inner);
