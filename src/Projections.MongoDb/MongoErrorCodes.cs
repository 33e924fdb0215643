namespace Projections.MongoDb;

/// <summary>Server error codes the store reacts to (https://www.mongodb.com/docs/manual/reference/error-codes/).</summary>
internal static class MongoErrorCodes
{
    public const int DuplicateKey = 11000;
    public const int NamespaceExists = 48;
    public const int NamespaceNotFound = 26;
    public const int IndexOptionsConflict = 85;
    public const int IndexKeySpecsConflict = 86;
    public const int TransactionExceededLifetimeLimitSeconds = 290;
    public const int TransactionTooLargeForCache = 388;
    public const string UnknownTransactionCommitResult = "UnknownTransactionCommitResult";

    /// <summary>Failures that go away by themselves: elections, restarts, network, overload, write concern timeouts, transaction conflicts.</summary>
    public static readonly IReadOnlySet<int> Transient = new HashSet<int>
    {
        6,     // HostUnreachable
        7,     // HostNotFound
        50,    // MaxTimeMSExpired
        64,    // WriteConcernFailed (wtimeout)
        89,    // NetworkTimeout
        91,    // ShutdownInProgress
        112,   // WriteConflict
        133,   // FailedToSatisfyReadPreference
        134,   // ReadConcernMajorityNotAvailableYet
        189,   // PrimarySteppedDown
        251,   // NoSuchTransaction
        262,   // ExceededTimeLimit
        462,   // IngressRequestRateLimitExceeded
        9001,  // SocketException
        10107, // NotWritablePrimary
        11600, // InterruptedAtShutdown
        11602, // InterruptedDueToReplStateChange
        13435, // NotPrimaryNoSecondaryOk
        13436, // NotPrimaryOrSecondary
        16500, // request rate too large (Cosmos DB / Atlas throttling)
    };

    public static readonly IReadOnlySet<string> TransientLabels = new HashSet<string>
    {
        // An unknown commit result is retried by committing again, then by writing the piece again:
        // every write of a flush is idempotent, so either is safe.
        "RetryableWriteError", "TransientTransactionError", "SystemOverloadedError", UnknownTransactionCommitResult,
    };
}
