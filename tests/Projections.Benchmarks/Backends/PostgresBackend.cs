using Npgsql;
using Projections.Core.Ports;
using Projections.PostgreSql;
using Projections.Testing.PostgreSql;

namespace Projections.Benchmarks.Backends;

/// <summary>
/// A real PostgreSQL (`--postgres "Host=...;Username=..."`, a user that may create databases, or `--postgres throwaway`:
/// a PostgreSQL 15 of its own with the server's default durability): every store is a fresh database of this run, dropped at the end.
/// </summary>
public sealed class PostgresProjectionStoreFactory(string connectionString) : IProjectionStoreFactory, IAsyncDisposable
{
    public const string Throwaway = "throwaway";
    private readonly string _runId = DateTime.UtcNow.ToString("MMddHHmmss");
    private readonly List<string> _databases = [];
    private ThrowawayPostgresServer? _server;
    private int _sequence;

    public string Name => "PostgreSQL";

    public async Task<IProjectionStore> Create(string label, CancellationToken ct)
    {
        var admin = await AdminConnectionString();
        var database = $"projections_bench_{_runId}_{Interlocked.Increment(ref _sequence)}";
        try
        {
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync(ct);
            await new NpgsqlCommand($"CREATE DATABASE {database}", connection).ExecuteNonQueryAsync(ct);
            _databases.Add(database);
            var store = new PostgresProjectionStore(new PostgresProjectionStoreOptions(new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString));
            await store.Initialize(ct);
            return store;
        }
        catch (Exception e) when (e is NpgsqlException or ProjectionStoreUnavailableException or PostgresStoreException)
        {
            throw new BackendUnavailableException(Name, $"PostgreSQL cannot be used for the benchmarks: {e.Message}", e);
        }
    }

    private async Task<string> AdminConnectionString()
    {
        if (connectionString != Throwaway) return connectionString;
        if (_server is null)
        {
            var (server, reason) = await ThrowawayPostgresServer.Start(durable: true);
            _server = server ?? throw new BackendUnavailableException(Name, $"No throwaway PostgreSQL: {reason}.", new InvalidOperationException(reason));
        }
        return _server.ConnectionString();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.DisposeAsync();
            return;
        }
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            foreach (var database in _databases) await new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection).ExecuteNonQueryAsync();
        }
        catch (NpgsqlException e)
        {
            Console.Error.WriteLine($"Could not drop the benchmark databases ({string.Join(", ", _databases)}): {e.Message}");
        }
    }
}
