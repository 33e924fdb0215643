using Projections.Benchmarks.Running;
using Projections.Core.Ports;
using Projections.Sqlite.Documents;
using Projections.Sqlite.Events;

namespace Projections.Benchmarks.Backends;

/// <summary>
/// The embedded default: every store is a fresh SQLite file under one scratch directory, which is
/// deleted when the run ends. Event store and projection store are separate files, as the host uses them.
/// </summary>
public sealed class SqliteFiles : IDisposable
{
    private int _sequence;

    public SqliteFiles(string? root = null)
    {
        Directory = root ?? Path.Combine(Path.GetTempPath(), $"projections-bench-{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string NewFile(string label) => Path.Combine(Directory, $"{Interlocked.Increment(ref _sequence):D3}-{label}.db");

    public void Dispose()
    {
        // Pooled connections keep files open until the pool lets them go.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException e) { Console.Error.WriteLine($"Could not delete scratch directory {Directory}: {e.Message}"); }
    }
}

public sealed class SqliteEventStoreFactory(SqliteFiles files) : IEventStoreFactory
{
    public string Name => "SQLite";
    public bool Shared => false;

    public async Task<IEventStore> CreateWith(Workload.Workload workload, string label, CancellationToken ct)
    {
        var store = await CreateEmpty(label, ct);
        await StoreLoader.CopyInto(store, workload.Events, ct);
        return store;
    }

    public async Task<IEventStore> CreateEmpty(string label, CancellationToken ct)
    {
        var store = new SqliteEventStore(files.NewFile("events-" + label));
        await store.Initialize(ct);
        return store;
    }
}

public sealed class SqliteProjectionStoreFactory(SqliteFiles files) : IProjectionStoreFactory
{
    public string Name => "SQLite";

    public async Task<IProjectionStore> Create(string label, CancellationToken ct)
    {
        var store = new SqliteProjectionStore(files.NewFile("documents-" + label));
        await store.Initialize(ct);
        return store;
    }
}
