using System.Text;
using BenchmarkDotNet.Attributes;
using Npgsql;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.PostgreSql;
using Projections.Testing.PostgreSql;

namespace Projections.Benchmarks.Micro;

/// <summary>
/// One flush of <see cref="Documents"/> plant-item-sized documents that replace stored ones (the common case:
/// aggregates already persisted), written through the binary-COPY path or the unnest path of the PostgreSQL store.
/// Runs against a throwaway PostgreSQL 15 with its default durability, or PROJECTIONS_BENCH_POSTGRES.
/// </summary>
public class PostgresBulkWriteBenchmarks
{
    private ThrowawayPostgresServer? _server;
    private PostgresProjectionStore _copy = null!, _unnest = null!;
    private StoredDocument[] _documents = null!;
    private ulong _position;

    [Params(10, 100, 1000, 5000)]
    public int Documents { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        var connectionString = Environment.GetEnvironmentVariable("PROJECTIONS_BENCH_POSTGRES");
        if (connectionString is null)
        {
            var (server, reason) = await ThrowawayPostgresServer.Start(durable: true);
            _server = server ?? throw new InvalidOperationException($"No PostgreSQL for the benchmark: {reason}.");
            connectionString = _server.ConnectionString();
        }
        _copy = await Open(connectionString, "bench_copy", new CopyDocumentWriter());
        _unnest = await Open(connectionString, "bench_unnest", new UnnestDocumentWriter());
        var state = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(SampleItems.Item(new PlantTracking.Items.PlantItemsProjection(), 20)));
        _documents = Enumerable.Range(0, Documents).Select(i => new StoredDocument($"item-I{i:D7}", state, 1, GlobalPosition.Of(1), null, SampleItems.Start)).ToArray();
        await Flush(_copy);
        await Flush(_unnest);
    }

    private static async Task<PostgresProjectionStore> Open(string connectionString, string schema, IDocumentBulkWriter writer)
    {
        var store = new PostgresProjectionStore(new PostgresProjectionStoreOptions(connectionString) { Schema = schema }, writer);
        await store.Initialize(CancellationToken.None);
        await store.EnsureProjection("plant-items", [new IndexDefinition("status"), new IndexDefinition("currentStation")], CancellationToken.None);
        return store;
    }

    [Benchmark(Baseline = true, Description = "unnest array parameters")]
    public Task Unnest() => Flush(_unnest);

    [Benchmark(Description = "binary COPY + INSERT SELECT")]
    public Task Copy() => Flush(_copy);

    private Task Flush(PostgresProjectionStore store)
    {
        var position = GlobalPosition.Of(++_position + 1);
        var batch = _documents.Select(d => d with { Position = position, Version = (long)_position + 1 }).ToArray();
        return store.WriteBatch(new ProjectionBatch("plant-items", 1, batch, [], new ProjectionCheckpoint(position, null)), CancellationToken.None);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _copy.DisposeAsync();
        await _unnest.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        if (_server is not null) await _server.DisposeAsync();
    }
}
