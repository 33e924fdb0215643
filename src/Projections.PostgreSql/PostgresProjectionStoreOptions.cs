using Npgsql;

namespace Projections.PostgreSql;

/// <summary>Where the PostgreSQL projection store lives: an Npgsql connection string and the schema of its tables and views.</summary>
public sealed record PostgresProjectionStoreOptions(string ConnectionString)
{
    public const string DefaultSchema = "projections";

    /// <summary>The schema holding the shared tables, the document tables and the per-projection views; created when missing.</summary>
    public string Schema { get; init; } = DefaultSchema;

    /// <summary>Parses and checks the options; throws one <see cref="PostgresStoreConfigurationException"/> naming the problem, never the password.</summary>
    internal NpgsqlConnectionStringBuilder Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
            throw new PostgresStoreConfigurationException("PostgreSQL connection string is empty; give one such as 'Host=localhost;Username=projections;Password=...;Database=projections'.");
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // Npgsql's message names the keyword at fault, never the value; the raw string is not repeated here since it may hold the password.
            throw new PostgresStoreConfigurationException($"PostgreSQL connection string is malformed: {e.Message}", e);
        }
        if (string.IsNullOrWhiteSpace(builder.Host))
            throw new PostgresStoreConfigurationException("PostgreSQL connection string names no Host.");
        if (string.IsNullOrWhiteSpace(Schema))
            throw new PostgresStoreConfigurationException("PostgreSQL schema is empty.");
        try { PostgresNaming.Quote(Schema); }
        catch (ArgumentException e) { throw new PostgresStoreConfigurationException(e.Message, e); }
        return builder;
    }
}

/// <summary>The PostgreSQL store's options are unusable (malformed connection string, bad schema name); the message never contains the password.</summary>
public sealed class PostgresStoreConfigurationException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The PostgreSQL server refused an operation for a reason retrying cannot fix (permissions, missing database, bad credentials).</summary>
public sealed class PostgresStoreException(string message, Exception? inner = null) : Exception(message, inner);
