namespace Projections.Sqlite;

/// <summary>A SQLite database file cannot be used (cannot be opened, is not a database, is read-only or corrupt); the message names the file.</summary>
public sealed class SqliteDatabaseException(string path, string message, Exception? inner = null) : Exception(message, inner)
{
    public string DatabasePath { get; } = path;
}
