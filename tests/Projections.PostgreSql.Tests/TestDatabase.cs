using System.Text;
using Npgsql;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Testing.PostgreSql;

namespace Projections.PostgreSql.Tests;

/// <summary>A database of its own on the test server, a store over it, and plain SQL against it.</summary>
internal sealed class TestDatabase(string connectionString) : IAsyncDisposable
{
    private readonly List<PostgresProjectionStore> _stores = [];

    public string ConnectionString { get; } = connectionString;

    public static async Task<TestDatabase> Create(PostgresServerFixture server, string prefix) => new(await server.CreateDatabase(prefix));

    public async Task<PostgresProjectionStore> OpenStore(string schema = PostgresProjectionStoreOptions.DefaultSchema, string? connectionString = null)
    {
        var store = new PostgresProjectionStore(new PostgresProjectionStoreOptions(connectionString ?? ConnectionString) { Schema = schema });
        _stores.Add(store);
        await store.Initialize(CancellationToken.None);
        return store;
    }

    public async Task<List<object?[]>> Query(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public async Task<object?> Scalar(string sql) => (await Query(sql)).Single()[0];

    public static StoredDocument Document(string key, string json, long version, ulong position, DateTimeOffset? timeoutAt = null) =>
        new(key, Encoding.UTF8.GetBytes(json), version, GlobalPosition.Of(position), timeoutAt, new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero).AddTicks(version));

    public static ProjectionBatch Batch(string projection, int generation, ulong checkpoint, params StoredDocument[] documents) =>
        new(projection, generation, documents, [], new ProjectionCheckpoint(GlobalPosition.Of(checkpoint), null));

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores) await store.DisposeAsync();
    }
}
