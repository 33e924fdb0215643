using Projections.Core.Ports;
using Projections.Testing.PostgreSql;
using Projections.Testing.ProjectionStores;

namespace Projections.PostgreSql.Tests;

/// <summary>The shared projection store contract against a real PostgreSQL, each test in a database of its own.</summary>
public class PostgresProjectionStoreContractTests(PostgresServerFixture server) : ProjectionStoreContract
{
    private string? _connectionString;

    protected override async Task<IProjectionStore> OpenStore()
    {
        _connectionString ??= await server.CreateDatabase("contract");
        return new PostgresProjectionStore(new PostgresProjectionStoreOptions(_connectionString));
    }
}
