using Projections.PostgreSql.Hosting;

// In the builder's namespace, so AddProjections(...).UsePostgreSql() needs no extra using.
namespace Projections.Hosting;

/// <summary>Adds PostgreSQL as the projection store of a Projections host.</summary>
public static class PostgreSqlProjectionsBuilderExtensions
{
    /// <summary>
    /// Persists projections in PostgreSQL. The Npgsql connection string comes from <c>--postgres</c> /
    /// <c>Projections:Postgres</c> / <c>PROJECTIONS__POSTGRES</c>, else <paramref name="connectionString"/>;
    /// with neither, the embedded SQLite store is used.
    /// </summary>
    public static ProjectionsBuilder UsePostgreSql(this ProjectionsBuilder builder, string? connectionString = null) =>
        builder.UseProjectionStore(new PostgreSqlStoreProvider(connectionString));
}
