using System.Text;
using MongoDB.Driver;

namespace Projections.MongoDb;

/// <summary>Validated options: everything the store needs to connect, or one clear error naming what is wrong.</summary>
internal sealed record MongoStoreSettings(
    MongoClientSettings Client,
    string DatabaseName,
    WriteConcern WriteConcern,
    string Description)
{
    public const string DefaultDatabaseName = "projections";

    public static MongoStoreSettings From(MongoProjectionStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var shape = ConnectionStringShape.Parse(options.ConnectionString);

        MongoClientSettings client;
        try
        {
            client = MongoClientSettings.FromUrl(new MongoUrl(options.ConnectionString.Trim()));
        }
        catch (Exception e) when (e is MongoException or ArgumentException or FormatException or NotSupportedException)
        {
            throw new MongoStoreConfigurationException($"The MongoDB connection string is not valid: {shape.Redact(e.Message)}");
        }
        if (!shape.HasOption("serverSelectionTimeoutMS"))
            client.ServerSelectionTimeout = Positive(options.ServerSelectionTimeout, nameof(options.ServerSelectionTimeout));

        var database = options.DatabaseName ?? shape.Database ?? DefaultDatabaseName;
        CheckDatabaseName(database);
        CheckRetries(options);
        Positive(options.TransactionTimeLimit, nameof(options.TransactionTimeLimit));
        var writeConcern = ParseWriteConcern(options.WriteConcern, Positive(options.WriteConcernTimeout, nameof(options.WriteConcernTimeout)));
        return new MongoStoreSettings(client, database, writeConcern, $"MongoDB {string.Join(',', shape.Hosts)}/{database}");
    }

    public static WriteConcern ParseWriteConcern(string? text, TimeSpan timeout)
    {
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
            throw new MongoStoreConfigurationException("The MongoDB write concern is empty; use \"majority\", a member count such as \"1\", or a custom mode name.");
        if (string.Equals(value, "majority", StringComparison.OrdinalIgnoreCase))
            return new WriteConcern("majority", wTimeout: timeout);
        if (int.TryParse(value, out var members))
        {
            if (members < 1)
                throw new MongoStoreConfigurationException($"The MongoDB write concern '{value}' does not acknowledge writes; the store needs at least 1 (default \"majority\").");
            return new WriteConcern(members, wTimeout: timeout);
        }
        return new WriteConcern(value, wTimeout: timeout);
    }

    private static void CheckDatabaseName(string name)
    {
        if (name.Length == 0)
            throw new MongoStoreConfigurationException("The MongoDB database name is empty.");
        var bad = name.IndexOfAny(['/', '\\', '.', ' ', '"', '$', '*', '<', '>', ':', '|', '?', '\0']);
        if (bad >= 0)
            throw new MongoStoreConfigurationException($"The MongoDB database name '{name}' contains the character '{name[bad]}', which MongoDB does not allow in database names.");
        if (Encoding.UTF8.GetByteCount(name) >= 64)
            throw new MongoStoreConfigurationException($"The MongoDB database name '{name}' is longer than 63 bytes.");
    }

    private static void CheckRetries(MongoProjectionStoreOptions options)
    {
        if (options.MaxAttempts < 1)
            throw new MongoStoreConfigurationException($"MaxAttempts must be at least 1 (got {options.MaxAttempts}).");
        if (options.RetryDelay < TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
            throw new MongoStoreConfigurationException($"RetryDelay ({options.RetryDelay}) must be non-negative and at most MaxRetryDelay ({options.MaxRetryDelay}).");
    }

    private static TimeSpan Positive(TimeSpan value, string name) =>
        value > TimeSpan.Zero ? value : throw new MongoStoreConfigurationException($"{name} must be positive (got {value}).");
}
