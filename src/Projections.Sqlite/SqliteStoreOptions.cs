using Microsoft.Data.Sqlite;

namespace Projections.Sqlite;

/// <summary>
/// Where a SQLite store lives and how it waits. <see cref="Path"/> is a file path (its directory is
/// created when missing) or, when it contains '=', a Microsoft.Data.Sqlite connection string such as "Data Source=data/events.db".
/// </summary>
public sealed record SqliteStoreOptions(string Path)
{
    /// <summary>
    /// How long a write waits for another writer (another process) to release the database before failing
    /// as unavailable. Microsoft.Data.Sqlite counts its own retries in whole seconds, so waits under a second last about a second.
    /// </summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a live subscription looks for events appended by another process; appends through the same store instance wake it at once.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Events read per query by subscriptions and reads.</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>The database file this points at.</summary>
    public string FilePath => ParseDataSource();

    /// <summary>Throws one <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
            throw new ArgumentException("SQLite store path is empty; give a file path such as 'data/events.db'.", nameof(Path));
        if (string.IsNullOrWhiteSpace(ParseDataSource()))
            throw new ArgumentException($"SQLite connection string '{Path}' names no Data Source file.", nameof(Path));
        if (ParseDataSource() == ":memory:")
            throw new ArgumentException("SQLite store path ':memory:' is not supported: the stores open several connections, give a file path.", nameof(Path));
        if (BusyTimeout <= TimeSpan.Zero)
            throw new ArgumentException($"SQLite BusyTimeout must be positive, was {BusyTimeout}.", nameof(BusyTimeout));
        if (PollInterval <= TimeSpan.Zero)
            throw new ArgumentException($"SQLite PollInterval must be positive, was {PollInterval}.", nameof(PollInterval));
        if (PageSize is < 1 or > 100_000)
            throw new ArgumentException($"SQLite PageSize must be between 1 and 100000, was {PageSize}.", nameof(PageSize));
    }

    internal string BuildConnectionString()
    {
        var builder = LooksLikeConnectionString(Path) ? new SqliteConnectionStringBuilder(Path) : new SqliteConnectionStringBuilder { DataSource = Path };
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        builder.Pooling = true;
        // Microsoft.Data.Sqlite retries busy statements itself until the command timeout (whole seconds).
        builder.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(BusyTimeout.TotalSeconds));
        return builder.ToString();
    }

    private string ParseDataSource()
    {
        if (!LooksLikeConnectionString(Path)) return Path;
        try
        {
            return new SqliteConnectionStringBuilder(Path).DataSource;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"SQLite connection string '{Path}' is malformed: {e.Message}", nameof(Path), e);
        }
    }

    // A file name never needs '=' in practice; anything with one is read as a connection string.
    private static bool LooksLikeConnectionString(string value) => value.Contains('=');
}
