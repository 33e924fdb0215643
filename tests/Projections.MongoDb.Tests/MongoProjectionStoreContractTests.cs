using MongoDB.Driver;
using Projections.Core.Ports;
using Projections.Testing.ProjectionStores;

namespace Projections.MongoDb.Tests;

/// <summary>
/// The shared projection store contract against a real MongoDB (PROJECTIONS_TEST_MONGO or Testcontainers),
/// each test in a database of its own. On a replica set flushes use a transaction.
/// </summary>
public class MongoProjectionStoreContractTests(MongoServerFixture server) : ProjectionStoreContract
{
    private readonly string _database = MongoServerFixture.NewDatabaseName("contract");

    protected virtual bool UseTransactions => true;

    private bool _opened;

    protected override Task<IProjectionStore> OpenStore()
    {
        var store = server.CreateStore(_database, UseTransactions);
        _opened = true;
        return Task.FromResult<IProjectionStore>(store);
    }

    protected override async ValueTask Cleanup()
    {
        if (!_opened) return;
        using var client = new MongoClient(server.RequireConnectionString());
        await client.DropDatabaseAsync(_database);
    }
}

/// <summary>The same contract with transactions off: the checkpoint is written strictly after the documents.</summary>
public sealed class MongoProjectionStoreWithoutTransactionsContractTests(MongoServerFixture server) : MongoProjectionStoreContractTests(server)
{
    protected override bool UseTransactions => false;
}
