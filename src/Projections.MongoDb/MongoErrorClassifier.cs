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
            ? error.Category == ServerErrorCategory.ExecutionTimeout || IsTransientWriteError(error.Code, error.Message)
            : write.WriteConcernError is { } wc && IsTransientCode(wc.Code),
        // Before MongoCommandException: its Code reads the reply's top-level code, absent beside ok: 1.
        MongoWriteConcernException concern => IsTransientCode(WriteConcernCode(concern)) || HasTransientLabel(concern),
        MongoCommandException command => IsTransientCode(command.Code) || HasTransientLabel(command),
        MongoException mongo => HasTransientLabel(mongo),
        _ => false,
    };

    /// <summary>DuplicateKey (11000) is not among them: see <see cref="IsTransientWriteError"/>.</summary>
    public static bool IsTransientCode(int code) => MongoErrorCodes.Transient.Contains(code);

    /// <summary>
    /// A write error worth writing again. Since MongoDB 4.2 the server retries an upsert that lost the
    /// insert race on the unique index its query matches by equality (our _id) itself, a bounded number
    /// of times; only a DuplicateKey on "_id_" is that race surfacing, and the retry finds the document.
    /// One on another index (a unique index an operator added) can never succeed.
    /// </summary>
    public static bool IsTransientWriteError(int code, string message) =>
        IsTransientCode(code) || (code == MongoErrorCodes.DuplicateKey && message.Contains(" index: _id_ ", StringComparison.Ordinal));

    /// <summary>The code inside <c>writeConcernError</c> (e.g. 64 for a wtimeout), or -1.</summary>
    public static int WriteConcernCode(MongoWriteConcernException exception) =>
        exception.WriteConcernResult.Response?.GetValue("writeConcernError", null) is { IsBsonDocument: true } error
            ? error.AsBsonDocument.GetValue("code", -1).ToInt32()
            : -1;

    /// <summary>The server code of a command's failure, whether at the top level or in its writeConcernError.</summary>
    public static int CodeOf(MongoCommandException exception) =>
        exception is MongoWriteConcernException concern ? WriteConcernCode(concern) : exception.Code;

    private static bool HasTransientLabel(MongoException exception) =>
        exception.ErrorLabels.Any(MongoErrorCodes.TransientLabels.Contains);
}

/// <summary>A failure the store recognised as transient itself (e.g. a write error inside a transaction that needs the whole transaction again).</summary>
internal sealed class TransientStoreFailure(string message, Exception? inner = null) : Exception(message, inner);
