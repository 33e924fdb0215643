using Projections.Host.Cli;
using Projections.Host.Configuration;
using Projections.PostgreSql;

namespace Projections.Host.Composition;

internal static class PostgresAdapter
{
    /// <summary>Creates the PostgreSQL projection store; a malformed connection string is a user error naming the option, never the password.</summary>
    public static PostgresProjectionStore Open(ConnectionSetting connection)
    {
        try
        {
            return new PostgresProjectionStore(new PostgresProjectionStoreOptions(connection.Value));
        }
        catch (PostgresStoreConfigurationException e)
        {
            throw new HostUserException(
                $"Invalid value '{connection.Redacted}' for {HostOptionCatalog.Postgres.Display}: {ConnectionStrings.Redact(e.Message)}", e);
        }
    }
}
