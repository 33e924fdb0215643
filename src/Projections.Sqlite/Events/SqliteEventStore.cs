using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Sqlite.Events;

/// <summary>
/// The embedded event store: one SQLite file (WAL mode) holding the global log. Appends go through one
/// writer connection of this instance; other processes may append to the same file (SQLite serializes
/// writers, busy waits are retried up to <see cref="SqliteStoreOptions.BusyTimeout"/>).
/// Subscriptions wake at once on appends through this instance and poll for the others'.
/// </summary>
public sealed class SqliteEventStore : IEventStore, IDisposable
{
    private readonly SqliteStoreOptions _options;
    private readonly SqliteDatabase _database;
    private readonly TimeProvider _clock;
    private readonly AppendSignal _signal = new();
    private readonly SemaphoreSlim _writer = new(1, 1);
    private SqliteConnection? _writerConnection;
    private bool _disposed;

    /// <param name="pathOrConnectionString">A database file path (created with its directory when missing) or a connection string.</param>
    /// <param name="clock">Stamps the events' recorded time; the system clock by default.</param>
    public SqliteEventStore(string pathOrConnectionString, TimeProvider? clock = null)
        : this(new SqliteStoreOptions(pathOrConnectionString), clock) { }

    public SqliteEventStore(SqliteStoreOptions options, TimeProvider? clock = null)
    {
        _options = options;
        _database = new SqliteDatabase(options, path => new EventStoreFailures(path));
        _clock = clock ?? TimeProvider.System;
    }

    public string Description => $"SQLite event store {_database.FilePath}";

    /// <summary>Opens the file and creates the schema; every other method does this on first use. Call it to fail fast on a bad path.</summary>
    public async Task Initialize(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            EnsureWriter();
        }
        finally
        {
            _writer.Release();
        }
    }

    public async Task<AppendResult> Append(string streamId, ExpectedRevision expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken) =>
        (await AppendMany([new AppendRequest(streamId, expected, events)], cancellationToken))[0];

    /// <summary>Appends all requests in one transaction: on SQLite the batch is all-or-nothing (a revision conflict in one request rolls back all).</summary>
    public async Task<IReadOnlyList<AppendResult>> AppendMany(IReadOnlyList<AppendRequest> requests, CancellationToken cancellationToken)
    {
        foreach (var request in requests) EventAppender.Validate(request);
        if (requests.Count == 0) return [];

        await _writer.WaitAsync(cancellationToken);
        try
        {
            var connection = EnsureWriter();
            var results = _database.Retry(() => AppendInTransaction(connection, requests));
            _signal.Notify();
            return results;
        }
        finally
        {
            _writer.Release();
        }
    }

    private AppendResult[] AppendInTransaction(SqliteConnection connection, IReadOnlyList<AppendRequest> requests)
    {
        var created = SqliteTime.ToText(_clock.GetUtcNow());
        using var transaction = connection.BeginTransaction(deferred: false);
        using var appender = new EventAppender(connection, transaction);
        var results = new AppendResult[requests.Count];
        for (var i = 0; i < requests.Count; i++) results[i] = appender.Append(requests[i], created);
        transaction.Commit();
        return results;
    }

    public IAsyncEnumerable<SubscriptionMessage> Subscribe(GlobalPosition? after, EventFilter filter, CancellationToken cancellationToken)
    {
        EnsureInitialized();
        return SqliteSubscription.Run(_database, _signal, _options, after, filter, cancellationToken);
    }

    public Task<GlobalPosition> ReadHeadPosition(CancellationToken cancellationToken)
    {
        EnsureInitialized();
        var head = _database.Run(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COALESCE(MAX(position), 0) FROM events";
            return (long)command.ExecuteScalar()!;
        });
        return Task.FromResult(GlobalPosition.Of((ulong)head));
    }

    public async IAsyncEnumerable<RecordedEvent> ReadStreamForward(string streamId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        EnsureInitialized();
        var from = 0L;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = _database.Run(connection =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT {EventSchema.Columns} FROM events WHERE stream_id = $stream AND stream_revision >= $from ORDER BY stream_revision LIMIT {_options.PageSize}";
                command.Parameters.AddWithValue("$stream", streamId);
                command.Parameters.AddWithValue("$from", from);
                return EventRows.ReadAll(command);
            });
            foreach (var e in page) yield return e;
            if (page.Count < _options.PageSize) yield break;
            from = (long)page[^1].StreamRevision + 1;
            await Task.Yield();
        }
    }

    public async IAsyncEnumerable<RecordedEvent> ReadAllForward(GlobalPosition? after, EventFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        EnsureInitialized();
        using var reader = new EventLogReader(_database, filter, _options.PageSize);
        var position = after is { } a ? checked((long)a.Commit) : 0L;
        var head = reader.ReadHead();
        while (position < head)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (events, scannedTo) = reader.ReadPage(position, head);
            foreach (var e in events) yield return e;
            position = scannedTo;
            await Task.Yield();
        }
    }

    private void EnsureInitialized()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Volatile.Read(ref _writerConnection) is not null) return;
        _writer.Wait();
        try
        {
            EnsureWriter();
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Call with <see cref="_writer"/> held.</summary>
    private SqliteConnection EnsureWriter()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writerConnection is { } open) return open;
        _database.Initialize(EventSchema.Create);
        Volatile.Write(ref _writerConnection, _database.Open());
        return _writerConnection;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _writer.Wait();
        try
        {
            _disposed = true;
            _writerConnection?.Dispose();
            _writerConnection = null;
            _database.ReleasePool();
        }
        finally
        {
            _writer.Release();
        }
    }
}
