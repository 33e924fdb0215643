namespace Projections.MongoDb;

/// <summary>
/// The server found a flush's transaction too large (TransactionTooLargeForCache, 388) or too long
/// (TransactionExceededLifetimeLimitSeconds, 290), or it outlived the store's own time limit: the flush
/// writes the same documents again in smaller transactions.
/// </summary>
internal sealed class TransactionTooLargeException(int code, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The server's code, or 0 for the store's own time limit.</summary>
    public int Code { get; } = code;

    public static bool IsCode(int code) =>
        code is MongoErrorCodes.TransactionTooLargeForCache or MongoErrorCodes.TransactionExceededLifetimeLimitSeconds;
}
