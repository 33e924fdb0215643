using Microsoft.Data.Sqlite;

namespace Projections.Sqlite;

/// <summary>Turns SQLite errors into the exceptions a port promises: transient (busy) or permanent, each naming the file.</summary>
internal abstract class SqliteFailures(string path)
{
    private const int Busy = 5, Locked = 6, Full = 13;

    public string Path { get; } = path;

    public static bool IsTransient(SqliteException e) => e.SqliteErrorCode is Busy or Locked;

    public abstract Exception Unavailable(string message, Exception inner);
    public abstract Exception Unusable(string message, Exception? inner);

    /// <summary>Busy/locked and disk full pass (a writer ends, space is freed): callers retry them as an outage. Anything else is permanent.</summary>
    public Exception Translate(SqliteException e) => e.SqliteErrorCode switch
    {
        Busy or Locked => Unavailable($"SQLite database '{Path}' stayed locked by another writer beyond the busy timeout: {e.Message}", e),
        Full => Unavailable($"SQLite database '{Path}' {Describe(Full)}: {e.Message}", e),
        _ => Unusable($"SQLite database '{Path}' {Describe(e.SqliteErrorCode)}: {e.Message}", e),
    };

    private static string Describe(int code) => code switch
    {
        3 or 8 or 23 => "is read-only or access is not permitted",
        10 => "had an I/O error",
        11 => "is corrupt",
        13 => "is full (no disk space)",
        14 => "cannot be opened (missing directory, no permission, or not a regular file)",
        26 => "is not a SQLite database",
        _ => "failed",
    };
}

internal sealed class EventStoreFailures(string path) : SqliteFailures(path)
{
    public override Exception Unavailable(string message, Exception inner) => new Core.Events.EventStoreUnavailableException(message, inner);
    public override Exception Unusable(string message, Exception? inner) => new Core.Events.EventStoreException(message, inner);
}

internal sealed class ProjectionStoreFailures(string path) : SqliteFailures(path)
{
    public override Exception Unavailable(string message, Exception inner) => new Core.Ports.ProjectionStoreUnavailableException(message, inner);
    public override Exception Unusable(string message, Exception? inner) => new SqliteDatabaseException(Path, message, inner);
}
