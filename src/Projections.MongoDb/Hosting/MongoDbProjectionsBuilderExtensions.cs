using Projections.MongoDb.Hosting;

// In the builder's namespace, so AddProjections(...).UseMongoDb() needs no extra using.
namespace Projections.Hosting;

/// <summary>Adds MongoDB as the projection store of a Projections host.</summary>
public static class MongoDbProjectionsBuilderExtensions
{
    /// <summary>
    /// Persists projections in MongoDB. The connection string comes from <c>--mongo</c> /
    /// <c>Projections:Mongo</c> / <c>PROJECTIONS__MONGO</c>, else <paramref name="connectionString"/>; with
    /// neither, the embedded SQLite store is used. The database: <c>--mongo-database</c>, else
    /// <paramref name="database"/>, else the connection string's, else <c>projections</c>.
    /// </summary>
    public static ProjectionsBuilder UseMongoDb(this ProjectionsBuilder builder, string? connectionString = null, string? database = null) =>
        builder.UseProjectionStore(new MongoDbStoreProvider(connectionString, database));
}
