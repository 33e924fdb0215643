using Projections.Host.Cli;
using Projections.Host.Configuration;
using Projections.MongoDb;

namespace Projections.Host.Composition;

internal static class MongoAdapter
{
    /// <summary>Creates the MongoDB projection store; a malformed string or database name is a user error naming the option.</summary>
    public static MongoProjectionStore Open(ConnectionSetting connection, string? database)
    {
        try
        {
            return new MongoProjectionStore(new MongoProjectionStoreOptions { ConnectionString = connection.Value, DatabaseName = database });
        }
        catch (MongoStoreConfigurationException e)
        {
            throw new HostUserException(
                $"Invalid value '{connection.Redacted}' for {HostOptionCatalog.Mongo.Display}: {ConnectionStrings.Redact(e.Message)}", e);
        }
    }
}
