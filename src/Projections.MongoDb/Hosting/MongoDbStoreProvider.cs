using Microsoft.Extensions.Configuration;
using Projections.Core.Ports;
using Projections.Hosting;
using Projections.Hosting.Settings;
using Projections.Hosting.Stores;

namespace Projections.MongoDb.Hosting;

/// <summary>The MongoDB projection store for the host: <c>--mongo</c> selects it, <c>--mongo-database</c> names the database.</summary>
internal sealed class MongoDbStoreProvider(string? connectionString, string? database) : ProjectionStoreProvider(connectionString)
{
    public static readonly HostOption Mongo = new("mongo", "Projections:Mongo", "mongodb://host:27017", "(none: embedded SQLite projection store)",
        "Persist projections in MongoDB at this connection string instead of SQLite.", Secret: true);
    public static readonly HostOption MongoDatabase = new("mongo-database", "Projections:MongoDatabase", "name", "(the connection string's, else projections)",
        "MongoDB database used with --mongo.");

    public override string Product => "MongoDB";
    public override HostOption Option => Mongo;
    public override IReadOnlyList<HostOption> MoreOptions => [MongoDatabase];

    public override ConnectionSetting Parse(string value, IConfiguration configuration)
    {
        var connection = ConnectionStrings.Check(Mongo, value, ["mongodb://", "mongodb+srv://"], "a MongoDB connection string such as mongodb://localhost:27017");
        DatabaseName(configuration);
        return connection;
    }

    public override IProjectionStore Open(ConnectionSetting connection, IConfiguration configuration)
    {
        try
        {
            return new MongoProjectionStore(new MongoProjectionStoreOptions { ConnectionString = connection.Value, DatabaseName = DatabaseName(configuration) });
        }
        catch (MongoStoreConfigurationException e)
        {
            throw new HostUserException($"Invalid value '{connection.Redacted}' for {Mongo.Display}: {SecretRedactor.Redact(e.Message)}", e);
        }
    }

    private string? DatabaseName(IConfiguration configuration)
    {
        var value = configuration[MongoDatabase.ConfigKey] is { Length: > 0 } configured && !string.IsNullOrWhiteSpace(configured) ? configured : database;
        // MongoDB forbids these characters in database names.
        if (value is not null && (value.Length > 63 || value.IndexOfAny(['/', '\\', '.', ' ', '"', '$', '*', '<', '>', ':', '|', '?']) >= 0))
            throw ValueParsers.Invalid(MongoDatabase, value, "expected a MongoDB database name (at most 63 characters, none of /\\. \"$*<>:|?)");
        return value;
    }
}
