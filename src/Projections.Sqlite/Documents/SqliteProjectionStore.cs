using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Sqlite.Documents;

/// <summary>
/// The embedded projection store: one SQLite file (WAL mode) with one document table per projection
/// generation (state as JSON text, queryable with json_extract; see <see cref="SqliteNaming"/>), and shared
/// tables for generations, checkpoints and dead letters. A batch is one transaction.
/// </summary>
public sealed partial class SqliteProjectionStore : IProjectionStore, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _clock;
    private readonly ConcurrentDictionary<string, bool> _existingTables = new(StringComparer.Ordinal);
    private int _initialized;

    /// <param name="pathOrConnectionString">A database file path (created with its directory when missing) or a connection string.</param>
    /// <param name="clock">Stamps checkpoint rows' updated_at; the system clock by default.</param>
    public SqliteProjectionStore(string pathOrConnectionString, TimeProvider? clock = null)
        : this(new SqliteStoreOptions(pathOrConnectionString), clock) { }

    public SqliteProjectionStore(SqliteStoreOptions options, TimeProvider? clock = null)
    {
        _database = new SqliteDatabase(options, path => new ProjectionStoreFailures(path));
        _clock = clock ?? TimeProvider.System;
    }

    public string Description => $"SQLite projection store {_database.FilePath}";

    /// <summary>The file this store writes.</summary>
    public string FilePath => _database.FilePath;

    public Task Initialize(CancellationToken cancellationToken)
    {
        _database.Initialize(ProjectionSchema.Create);
        _database.Run(connection =>
        {
            ProjectionSchema.AddMissingColumns(connection);
            ProjectionSchema.KeyCheckpointsByShard(connection);
            return 0;
        });
        Volatile.Write(ref _initialized, 1);
        return Task.CompletedTask;
    }

    public Task<ProjectionGenerations> EnsureProjection(string projection, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        EnsureProjection(projection, 1, indexes, cancellationToken);

    public Task<ProjectionGenerations> EnsureProjection(string projection, int shards, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        InWriteTransaction(catalog =>
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
            var generations = catalog.Read(projection);
            if (generations is null)
            {
                generations = new ProjectionGenerations(1, null) { ActiveShards = shards };
                catalog.Save(projection, generations);
            }
            catalog.CreateStorage(projection, generations.Active, indexes);
            if (generations.Building is { } building) catalog.CreateStorage(projection, building, indexes);
            catalog.PointViewAt(projection, generations.Active);
            return generations;
        }, projection);

    public Task<ProjectionGenerations> ReadGenerations(string projection, CancellationToken cancellationToken)
    {
        EnsureInitialized();
        return Task.FromResult(_database.Run(connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: true);
            return new GenerationCatalog(connection, transaction).Require(projection);
        }));
    }

    /// <summary>Creates empty storage for <paramref name="generation"/> (wiping what an earlier attempt left there) and records it as being built.</summary>
    public Task BeginGeneration(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, 1, indexes, preview: false);

    public Task BeginGeneration(string projection, int generation, int shards, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, shards, indexes, preview: false);

    /// <summary>As the one-shard BeginGeneration, recording the generation as a preview that only an explicit activation switches to.</summary>
    public Task BeginPreview(string projection, int generation, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, 1, indexes, preview: true);

    public Task BeginPreview(string projection, int generation, int shards, IReadOnlyList<IndexDefinition> indexes, CancellationToken cancellationToken) =>
        Begin(projection, generation, shards, indexes, preview: true);

    private Task Begin(string projection, int generation, int shards, IReadOnlyList<IndexDefinition> indexes, bool preview) =>
        InWriteTransaction(catalog =>
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
            var generations = catalog.Require(projection);
            if (generation == generations.Active)
                throw new InvalidOperationException($"Cannot begin generation {generation} of projection '{projection}': it is the active generation.");
            catalog.DropStorage(projection, generation);
            catalog.CreateStorage(projection, generation, indexes);
            catalog.Save(projection, generations with { Building = generation, Preview = preview, BuildingShards = shards });
            return 0;
        }, projection);

    public Task ActivateGeneration(string projection, int generation, CancellationToken cancellationToken) =>
        InWriteTransaction(catalog =>
        {
            var generations = catalog.Require(projection);
            if (!catalog.StorageExists(projection, generation))
                throw new InvalidOperationException($"Cannot activate generation {generation} of projection '{projection}': it was never begun.");
            catalog.Save(projection, generations.Building == generation
                ? new ProjectionGenerations(generation, null) { ActiveShards = generations.BuildingShards }
                : generations with { Active = generation });
            catalog.PointViewAt(projection, generation);
            return 0;
        }, projection);

    /// <summary>One write transaction: the check that the generation is still being built and the switch cannot be split by another host.</summary>
    public Task<bool> ActivateBuiltGeneration(string projection, int generation, CancellationToken cancellationToken) =>
        InWriteTransaction(catalog =>
        {
            var generations = catalog.Require(projection);
            if (generations.Building != generation || generations.Preview) return false;
            catalog.Save(projection, new ProjectionGenerations(generation, null) { ActiveShards = generations.BuildingShards });
            catalog.PointViewAt(projection, generation);
            return true;
        }, projection);

    public Task DropGeneration(string projection, int generation, CancellationToken cancellationToken) =>
        InWriteTransaction(catalog =>
        {
            var generations = catalog.Require(projection);
            if (generation == generations.Active)
                throw new InvalidOperationException($"Cannot drop generation {generation} of projection '{projection}': it is the active generation.");
            catalog.DropStorage(projection, generation);
            if (generations.Building == generation) catalog.Save(projection, generations with { Building = null, Preview = false });
            return 0;
        }, projection);

    public Task<ProjectionCheckpoint?> LoadCheckpoint(string projection, int generation, CancellationToken cancellationToken) =>
        LoadCheckpoint(projection, generation, 0, cancellationToken);

    public Task<ProjectionCheckpoint?> LoadCheckpoint(string projection, int generation, int shard, CancellationToken cancellationToken)
    {
        EnsureInitialized();
        return Task.FromResult(_database.Run(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT commit_position, prepare_position, stream_time FROM projection_checkpoints WHERE projection = $projection AND generation = $generation AND shard = $shard";
            command.Parameters.AddWithValue("$projection", projection);
            command.Parameters.AddWithValue("$generation", generation);
            command.Parameters.AddWithValue("$shard", shard);
            using var reader = command.ExecuteReader();
            if (!reader.Read()) return null;
            return new ProjectionCheckpoint(
                new GlobalPosition((ulong)reader.GetInt64(0), (ulong)reader.GetInt64(1)),
                reader.IsDBNull(2) ? null : SqliteTime.Parse(reader.GetString(2)));
        }));
    }

    public Task<StoredDocument?> LoadDocument(string projection, int generation, string key, CancellationToken cancellationToken)
    {
        var table = SqliteNaming.DocumentTable(projection, generation);
        EnsureInitialized();
        return Task.FromResult(_database.Run(connection =>
        {
            return ReadIfTableExists<StoredDocument?>(connection, table, null, () =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT {ProjectionSchema.DocumentColumns} FROM \"{table}\" WHERE key = $key";
                command.Parameters.AddWithValue("$key", key);
                using var reader = command.ExecuteReader();
                return reader.Read() ? DocumentRows.ReadDocument(reader) : null;
            });
        }));
    }

    /// <summary>Every document of the generation, in key order, read in pages (no long-lived read transaction).</summary>
    public async IAsyncEnumerable<StoredDocument> LoadAllDocuments(string projection, int generation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int pageSize = 1000;
        var table = SqliteNaming.DocumentTable(projection, generation);
        EnsureInitialized();
        string? after = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = _database.Run(connection =>
            {
                return ReadIfTableExists(connection, table, new List<StoredDocument>(), () =>
                {
                    var documents = new List<StoredDocument>();
                    using var command = connection.CreateCommand();
                    command.CommandText = $"SELECT {ProjectionSchema.DocumentColumns} FROM \"{table}\" WHERE $after IS NULL OR key > $after ORDER BY key LIMIT {pageSize}";
                    command.Parameters.AddWithValue("$after", (object?)after ?? DBNull.Value);
                    using var reader = command.ExecuteReader();
                    while (reader.Read()) documents.Add(DocumentRows.ReadDocument(reader));
                    return documents;
                });
            });
            foreach (var document in page) yield return document;
            if (page.Count < pageSize) yield break;
            after = page[^1].Key;
            await Task.Yield();
        }
    }

    /// <summary>Deadlines in (deadline, key) order from the partial index on timeout_at (sortable UTC text).</summary>
    public Task<IReadOnlyList<StoredTimeout>> LoadTimeouts(string projection, int generation, StoredTimeout? after, int limit, CancellationToken cancellationToken)
    {
        var table = SqliteNaming.DocumentTable(projection, generation);
        EnsureInitialized();
        return Task.FromResult<IReadOnlyList<StoredTimeout>>(_database.Run(connection =>
        {
            return ReadIfTableExists(connection, table, new List<StoredTimeout>(), () =>
            {
                var timeouts = new List<StoredTimeout>();
                using var command = connection.CreateCommand();
                command.CommandText = $"""
                    SELECT key, timeout_at FROM "{table}"
                    WHERE timeout_at IS NOT NULL AND ($after IS NULL OR (timeout_at, key) > ($after, $afterKey))
                    ORDER BY timeout_at, key LIMIT $limit
                    """;
                command.Parameters.AddWithValue("$after", after is { } a ? SqliteTime.ToText(a.TimeoutAt) : DBNull.Value);
                command.Parameters.AddWithValue("$afterKey", (object?)after?.Key ?? DBNull.Value);
                command.Parameters.AddWithValue("$limit", limit);
                using var reader = command.ExecuteReader();
                while (reader.Read()) timeouts.Add(new StoredTimeout(reader.GetString(0), SqliteTime.Parse(reader.GetString(1))));
                return timeouts;
            });
        }));
    }

    public Task WriteBatch(ProjectionBatch batch, CancellationToken cancellationToken)
    {
        var table = SqliteNaming.DocumentTable(batch.Projection, batch.Generation);
        ProjectionBatchValidation.Validate(batch);
        EnsureInitialized();
        var now = SqliteTime.ToText(_clock.GetUtcNow());
        _database.Run(connection =>
        {
            try
            {
                BatchWriter.Write(connection, batch, table, now, () =>
                {
                    if (!TableExists(connection, table))
                        throw new ProjectionStoreWriteException($"Projection '{batch.Projection}' has no generation {batch.Generation} in '{FilePath}'; EnsureProjection or BeginGeneration creates it.");
                });
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 19)
            {
                throw new ProjectionStoreWriteException($"Projection '{batch.Projection}' generation {batch.Generation}: SQLite '{FilePath}' refused the batch (constraint): {e.Message}", inner: e);
            }
            return 0;
        });
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DeadLetter>> ReadDeadLetters(string projection, int generation, int skip, int take, CancellationToken cancellationToken)
    {
        EnsureInitialized();
        return Task.FromResult<IReadOnlyList<DeadLetter>>(_database.Run(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT {DocumentRows.DeadLetterColumns} FROM projection_dead_letters
                WHERE projection = $projection AND generation = $generation
                ORDER BY commit_position, prepare_position LIMIT $take OFFSET $skip
                """;
            command.Parameters.AddWithValue("$projection", projection);
            command.Parameters.AddWithValue("$generation", generation);
            command.Parameters.AddWithValue("$take", take);
            command.Parameters.AddWithValue("$skip", skip);
            using var reader = command.ExecuteReader();
            var letters = new List<DeadLetter>();
            while (reader.Read()) letters.Add(DocumentRows.ReadDeadLetter(reader));
            return letters;
        }));
    }

    public Task<long> CountDeadLetters(string projection, int generation, CancellationToken cancellationToken)
    {
        EnsureInitialized();
        return Task.FromResult(_database.Run(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM projection_dead_letters WHERE projection = $projection AND generation = $generation";
            command.Parameters.AddWithValue("$projection", projection);
            command.Parameters.AddWithValue("$generation", generation);
            return (long)command.ExecuteScalar()!;
        }));
    }

    private Task<T> InWriteTransaction<T>(Func<GenerationCatalog, T> work, string projection)
    {
        if (string.IsNullOrWhiteSpace(projection)) throw new ArgumentException("Projection name is empty.", nameof(projection));
        EnsureInitialized();
        var result = _database.Run(connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var value = work(new GenerationCatalog(connection, transaction));
            transaction.Commit();
            return value;
        });
        _existingTables.Clear();
        return Task.FromResult(result);
    }

    /// <summary>
    /// Reads a generation's table, or gives <paramref name="missing"/> when it does not exist: a dropped generation
    /// reads as empty. Another process may drop it after this one saw it (a switch by another host), so a vanished
    /// table found by the read itself also counts as missing.
    /// </summary>
    private T ReadIfTableExists<T>(SqliteConnection connection, string table, T missing, Func<T> read)
    {
        if (!TableExists(connection, table)) return missing;
        try
        {
            return read();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 1 && e.Message.Contains("no such table", StringComparison.Ordinal))
        {
            _existingTables.TryRemove(table, out _);
            return missing;
        }
    }

    private bool TableExists(SqliteConnection connection, string table)
    {
        if (_existingTables.ContainsKey(table)) return true;
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $name";
        command.Parameters.AddWithValue("$name", table);
        if (command.ExecuteScalar() is null) return false;
        _existingTables[table] = true;
        return true;
    }

    private void EnsureInitialized()
    {
        if (Volatile.Read(ref _initialized) == 0) Initialize(CancellationToken.None).GetAwaiter().GetResult();
    }

    public void Dispose() => _database.ReleasePool();
}
