namespace Projections.MongoDb;

/// <summary>How to reach MongoDB and how hard to insist. Bound from configuration by the host (<c>--mongo</c>).</summary>
public sealed record MongoProjectionStoreOptions
{
    /// <summary>A standard <c>mongodb://</c> or <c>mongodb+srv://</c> connection string.</summary>
    public string ConnectionString { get; init; } = "";

    /// <summary>The database holding read models; null = the database named in the connection string, else "projections".</summary>
    public string? DatabaseName { get; init; }

    /// <summary>"majority" (default), a member count such as "1", or the name of a custom write concern mode. "0" is refused: the store needs acknowledged writes.</summary>
    public string WriteConcern { get; init; } = "majority";

    /// <summary>How long the server may wait for the write concern; a timeout is treated as transient and retried.</summary>
    public TimeSpan WriteConcernTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Write documents and checkpoint in one transaction when the server supports transactions (replica set or sharded cluster).</summary>
    public bool UseTransactionsWhenAvailable { get; init; } = true;

    /// <summary>
    /// How long one transaction of a flush may take before it is abandoned and its writes are sent again in
    /// smaller transactions. Keep it below the server's transactionLifetimeLimitSeconds (60 s by default).
    /// </summary>
    public TimeSpan TransactionTimeLimit { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Used unless the connection string sets serverSelectionTimeoutMS: how long an operation waits for a usable server.</summary>
    public TimeSpan ServerSelectionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts of one store operation on transient errors before <see cref="Core.Ports.ProjectionStoreUnavailableException"/>.</summary>
    public int MaxAttempts { get; init; } = 5;

    /// <summary>First delay between attempts; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);
}
