using Projections.Core.Ports;
using Projections.Sqlite.Documents;
using Projections.Testing.ProjectionStores;

namespace Projections.Sqlite.Tests;

/// <summary>The shared projection store contract, run against a SQLite file per test.</summary>
public sealed class SqliteProjectionStoreContractTests : ProjectionStoreContract
{
    private readonly TempDatabase _files = new();

    protected override Task<IProjectionStore> OpenStore() =>
        Task.FromResult<IProjectionStore>(new SqliteProjectionStore(_files.Path("projections.db")));

    protected override ValueTask Cleanup()
    {
        _files.Dispose();
        return ValueTask.CompletedTask;
    }
}
