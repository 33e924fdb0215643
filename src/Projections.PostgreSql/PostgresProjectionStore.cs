using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Npgsql;
using Projections.Core.Ports;

namespace Projections.PostgreSql;

/// <summary>
/// Read models in PostgreSQL: one table per projection generation (the state as jsonb, one expression index
/// per declared field), a view named after the projection over the active generation (see <see cref="PostgresNaming"/>),
/// and shared tables for generations, checkpoints and dead letters, all in one schema. A flush is one transaction.
/// </summary>
public sealed partial class PostgresProjectionStore : IProjectionStore, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresSchema _schema;
    private readonly PostgresFailures _failures;
    private readonly FlushWriter _flushWriter;
    private readonly LeaseStatements _leases;
    private readonly HostStatements _hosts;
    private readonly TimeProvider _clock;
    // Base names never change once handed out, so they are cached for good.
    private readonly ConcurrentDictionary<string, string> _baseNames = new(StringComparer.Ordinal);

    public PostgresProjectionStore(PostgresProjectionStoreOptions options, TimeProvider? clock = null)
        : this(options, new CopyDocumentWriter(), clock) { }

    internal PostgresProjectionStore(PostgresProjectionStoreOptions options, IDocumentBulkWriter documentWriter, TimeProvider? clock = null)
    {
        var builder = options.Validate();
        Description = $"PostgreSQL projection store {builder.Host}:{builder.Port}/{builder.Database ?? builder.Username} schema {options.Schema}";
        _dataSource = NpgsqlDataSource.Create(builder);
        _schema = new PostgresSchema(options.Schema);
        _failures = new PostgresFailures(Description);
        _leases = new LeaseStatements(_schema);
        _hosts = new HostStatements(_schema);
        _flushWriter = new FlushWriter(_schema, documentWriter, _leases);
        _clock = clock ?? TimeProvider.System;
    }

    public string Description { get; }

    public string Schema => _schema.Name;

    public Task Initialize(CancellationToken cancellationToken) =>
        InTransaction("create its schema", async (connection, transaction, ct) =>
        {
            await using (var command = new NpgsqlCommand(_schema.Create, connection, transaction))
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            await KeyCheckpointsByShard(connection, transaction, ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    private async Task KeyCheckpointsByShard(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        string? oldKey;
        await using (var probe = new NpgsqlCommand(PostgresSchema.CheckpointKeyWithoutShard, connection, transaction))
        {
            probe.Parameters.Add(new NpgsqlParameter { Value = _schema.Checkpoints });
            oldKey = await probe.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
        }
        if (oldKey is null) return;
        await using var rekey = new NpgsqlCommand(_schema.KeyCheckpointsByShard(oldKey), connection, transaction);
        await rekey.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public async Task<StoredDocument?> LoadDocument(string projection, int generation, string key, CancellationToken cancellationToken)
    {
        var table = await DocumentTable(projection, generation, cancellationToken).ConfigureAwait(false);
        if (table is null) return null;
        return await Read($"load '{key}' of projection '{projection}'", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"SELECT {PostgresSchema.DocumentColumns} FROM {_schema.Table(table)} WHERE key = $1", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = key });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? DocumentRows.ReadDocument(reader) : null;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every document of the generation, in key order, read in pages (no long-lived transaction).</summary>
    public async IAsyncEnumerable<StoredDocument> LoadAllDocuments(string projection, int generation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int pageSize = 1000;
        var table = await DocumentTable(projection, generation, cancellationToken).ConfigureAwait(false);
        if (table is null) yield break;
        string? after = null;
        while (true)
        {
            var page = await Read($"load the documents of projection '{projection}'", async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand(
                    $"SELECT {PostgresSchema.DocumentColumns} FROM {_schema.Table(table)} WHERE $1::text IS NULL OR key > $1 ORDER BY key LIMIT {pageSize}", connection);
                command.Parameters.Add(new NpgsqlParameter { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var documents = new List<StoredDocument>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false)) documents.Add(DocumentRows.ReadDocument(reader));
                return (List<StoredDocument>?)documents;
            }, cancellationToken).ConfigureAwait(false) ?? [];
            foreach (var document in page) yield return document;
            if (page.Count < pageSize) yield break;
            after = page[^1].Key;
        }
    }

    public async Task WriteBatch(ProjectionBatch batch, CancellationToken cancellationToken)
    {
        ProjectionBatchValidation.Validate(batch);
        var table = await DocumentTable(batch.Projection, batch.Generation, cancellationToken).ConfigureAwait(false)
            ?? throw NoGeneration(batch);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await _flushWriter.Write(connection, batch, table, _clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw NoGeneration(batch, e);
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw _failures.TranslateWrite(batch, e);
        }
    }

    public Task<ProjectionCheckpoint?> LoadCheckpoint(string projection, int generation, CancellationToken cancellationToken) =>
        LoadCheckpoint(projection, generation, 0, cancellationToken);

    public Task<ProjectionCheckpoint?> LoadCheckpoint(string projection, int generation, int shard, CancellationToken cancellationToken) =>
        Read($"load the checkpoint of shard {shard} of projection '{projection}'", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand(
                $"SELECT commit_position, prepare_position, stream_time_ticks FROM {_schema.Checkpoints} WHERE projection = $1 AND generation = $2 AND shard = $3", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = projection });
            command.Parameters.Add(new NpgsqlParameter { Value = generation });
            command.Parameters.Add(new NpgsqlParameter { Value = shard });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            if (!await reader.ReadAsync(ct).ConfigureAwait(false)) return null;
            return new ProjectionCheckpoint(
                PostgresValues.Position(reader.GetInt64(0), reader.GetInt64(1)),
                reader.IsDBNull(2) ? null : PostgresValues.FromTicks(reader.GetInt64(2)));
        }, cancellationToken);

    public Task<IReadOnlyList<DeadLetter>> ReadDeadLetters(string projection, int generation, int skip, int take, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<DeadLetter>>($"read the dead letters of projection '{projection}'", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"""
                SELECT {DocumentRows.DeadLetterColumns} FROM {_schema.DeadLetters}
                WHERE projection = $1 AND generation = $2
                ORDER BY commit_position, prepare_position LIMIT $3 OFFSET $4
                """, connection);
            foreach (var value in new object[] { projection, generation, take, skip }) command.Parameters.Add(new NpgsqlParameter { Value = value });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var letters = new List<DeadLetter>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) letters.Add(DocumentRows.ReadDeadLetter(reader));
            return letters;
        }, cancellationToken);

    public Task<long> CountDeadLetters(string projection, int generation, CancellationToken cancellationToken) =>
        Read($"count the dead letters of projection '{projection}'", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM {_schema.DeadLetters} WHERE projection = $1 AND generation = $2", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = projection });
            command.Parameters.Add(new NpgsqlParameter { Value = generation });
            return (long)(await command.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        }, cancellationToken);

    private ProjectionStoreWriteException NoGeneration(ProjectionBatch batch, Exception? inner = null) =>
        new($"Projection '{batch.Projection}' has no generation {batch.Generation} in {Description}; EnsureProjection or BeginGeneration creates it.", inner: inner);

    /// <summary>The generation's table name, or null when the projection is unknown.</summary>
    private async Task<string?> DocumentTable(string projection, int generation, CancellationToken cancellationToken)
    {
        if (!_baseNames.TryGetValue(projection, out var baseName))
        {
            baseName = await Read($"look up projection '{projection}'", async (connection, ct) =>
            {
                await using var command = new NpgsqlCommand($"SELECT base_name FROM {_schema.Generations} WHERE projection = $1", connection);
                command.Parameters.Add(new NpgsqlParameter { Value = projection });
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
            }, cancellationToken).ConfigureAwait(false);
            if (baseName is null) return null;
            _baseNames[projection] = baseName;
        }
        return PostgresNaming.DocumentTable(baseName, generation);
    }

    private async Task<T> Read<T>(string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable && default(T) is null)
        {
            return default!; // the generation's table was dropped: nothing to read
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw _failures.Translate(operation, e);
        }
    }

    /// <summary>Runs schema work in a transaction holding the schema lock, so processes sharing the database take turns.</summary>
    private async Task<T> InTransaction<T>(string operation, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PostgresSchema.SchemaLockId})", connection, transaction))
                await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            var result = await work(connection, transaction, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }
        catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw _failures.Translate(operation, e);
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();
}
