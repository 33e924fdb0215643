using MongoDB.Driver;
using Projections.Core.Ports;
using Projections.MongoDb;

namespace Projections.Benchmarks.Backends;

/// <summary>A real MongoDB (`--mongo mongodb://...`): every store is a fresh database of this run, dropped at the end.</summary>
public sealed class MongoProjectionStoreFactory(string connectionString) : IProjectionStoreFactory, IDisposable
{
    private readonly string _runId = DateTime.UtcNow.ToString("MMddHHmmss");
    private readonly List<string> _databases = [];
    private int _sequence;

    public string Name => "MongoDB";

    public async Task<IProjectionStore> Create(string label, CancellationToken ct)
    {
        var database = $"projections_bench_{_runId}_{Interlocked.Increment(ref _sequence)}";
        var store = new MongoProjectionStore(new MongoProjectionStoreOptions { ConnectionString = connectionString, DatabaseName = database });
        _databases.Add(database);
        try
        {
            await store.Initialize(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            store.Dispose();
            // The driver's message goes on to dump the cluster state; its first sentence says what failed.
            var reason = e.Message.Split(". Client view of cluster state", 2)[0];
            throw new BackendUnavailableException(Name, $"MongoDB at {store.Description} cannot be used for the benchmarks: {reason}", e);
        }
        return store;
    }

    public void Dispose()
    {
        if (_databases.Count == 0) return;
        try
        {
            var client = new MongoClient(connectionString);
            foreach (var database in _databases) client.DropDatabase(database);
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            Console.Error.WriteLine($"Could not drop the benchmark databases ({string.Join(", ", _databases)}): {e.Message}");
        }
    }
}
