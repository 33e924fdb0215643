using Microsoft.Extensions.Configuration;
using Npgsql;
using Projections.Core.Ports;
using Projections.Hosting;
using Projections.Hosting.Settings;
using Projections.Hosting.Stores;

namespace Projections.PostgreSql.Hosting;

/// <summary>The PostgreSQL projection store for the host: <c>--postgres</c> selects it.</summary>
internal sealed class PostgreSqlStoreProvider(string? connectionString) : ProjectionStoreProvider(connectionString)
{
    public static readonly HostOption Postgres = new("postgres", "Projections:Postgres", "Host=...;Database=...", "(none: embedded SQLite projection store)",
        "Persist projections in PostgreSQL at this Npgsql connection string instead of SQLite (schema projections).", Secret: true);

    private const string Expectation = "expected an Npgsql connection string such as Host=localhost;Username=projections;Password=...;Database=projections";

    public override string Product => "PostgreSQL";
    public override HostOption Option => Postgres;

    /// <summary>
    /// Its printable form is rebuilt from the parsed keywords with the password replaced, so no spelling of a
    /// password keyword can leak; a string that does not parse is never echoed.
    /// </summary>
    public override ConnectionSetting Parse(string value, IConfiguration configuration)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            throw new HostUserException($"Invalid value '{SecretRedactor.Redact(trimmed)}' for {Postgres.Display}: {Expectation} (postgres:// URLs are not understood).");
        if (!trimmed.Contains('='))
            throw new HostUserException($"Invalid value for {Postgres.Display}: {Expectation}.");
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(trimmed);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // Npgsql names the keyword at fault; the string itself may hold a password under any spelling, so it is not repeated.
            throw new HostUserException($"Invalid value for {Postgres.Display}: {e.Message}; {Expectation}.", e);
        }
        if (builder.Password is not null) builder.Password = "***";
        return new ConnectionSetting(trimmed, builder.ConnectionString);
    }

    public override IProjectionStore Open(ConnectionSetting connection, IConfiguration configuration)
    {
        try
        {
            return new PostgresProjectionStore(new PostgresProjectionStoreOptions(connection.Value));
        }
        catch (PostgresStoreConfigurationException e)
        {
            throw new HostUserException($"Invalid value '{connection.Redacted}' for {Postgres.Display}: {SecretRedactor.Redact(e.Message)}", e);
        }
    }
}
