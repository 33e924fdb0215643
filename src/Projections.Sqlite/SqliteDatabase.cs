using Microsoft.Data.Sqlite;

namespace Projections.Sqlite;

/// <summary>
/// One database file: opens configured connections, retries busy/locked failures until the busy
/// timeout, and reports every other failure once with the file's path.
/// </summary>
internal sealed class SqliteDatabase
{
    private readonly string _connectionString;
    private readonly SqliteFailures _failures;
    private readonly TimeSpan _busyTimeout;

    public SqliteDatabase(SqliteStoreOptions options, Func<string, SqliteFailures> failures)
    {
        options.Validate();
        FilePath = options.FilePath;
        _connectionString = options.BuildConnectionString();
        _failures = failures(FilePath);
        _busyTimeout = options.BusyTimeout;
    }

    public string FilePath { get; }

    /// <summary>Checks the path, creates its directory, switches the file to WAL and runs the schema script.</summary>
    public void Initialize(string schemaSql)
    {
        if (Directory.Exists(FilePath))
            throw _failures.Unusable($"SQLite database path '{FilePath}' is a directory, not a database file.", null);
        try
        {
            var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(FilePath));
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw _failures.Unusable($"SQLite database '{FilePath}': cannot create its directory: {e.Message}", e);
        }

        Run(connection =>
        {
            // WAL lets subscriptions read while the writer appends; it is a property of the file and persists.
            Execute(connection, "PRAGMA journal_mode=WAL;");
            using var transaction = connection.BeginTransaction();
            Execute(connection, schemaSql, transaction);
            transaction.Commit();
            return 0;
        });
    }

    /// <summary>Opens a pooled connection configured for this store. Errors are not translated; use <see cref="Run{T}"/>.</summary>
    public SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            // synchronous=NORMAL in WAL mode: a commit survives a process crash; only an OS crash/power loss may lose the last commits.
            Execute(connection, $"PRAGMA busy_timeout={(long)_busyTimeout.TotalMilliseconds}; PRAGMA synchronous=NORMAL;");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Opens a connection, translating failures.</summary>
    public SqliteConnection Open() => Retry(OpenRaw);

    /// <summary>Runs <paramref name="work"/> on a fresh pooled connection, retrying busy failures.</summary>
    public T Run<T>(Func<SqliteConnection, T> work) => Retry(() =>
    {
        using var connection = OpenRaw();
        return work(connection);
    });

    /// <summary>Runs <paramref name="attempt"/> until it does not fail with busy/locked or the busy timeout has passed.</summary>
    public T Retry<T>(Func<T> attempt)
    {
        var started = Environment.TickCount64;
        var delay = 5;
        while (true)
        {
            try
            {
                return attempt();
            }
            catch (SqliteException e) when (SqliteFailures.IsTransient(e) && Environment.TickCount64 - started < _busyTimeout.TotalMilliseconds)
            {
                Thread.Sleep(delay);
                delay = Math.Min(delay * 2, 100);
            }
            catch (SqliteException e)
            {
                throw _failures.Translate(e);
            }
        }
    }

    /// <summary>Releases pooled connections so the file can be deleted or moved.</summary>
    public void ReleasePool()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }

    public static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }
}
