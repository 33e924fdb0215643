namespace Projections.Sqlite.Events;

/// <summary>
/// The event log: one row per event. <c>position</c> is the global position (AUTOINCREMENT, so never
/// reused); SQLite has one writer at a time, so positions become visible in order and "everything
/// after my last position" never misses a row committed later with a lower number.
/// <c>data</c> and <c>metadata</c> keep the exact bytes appended (UTF-8 JSON); in the sqlite3 shell
/// <c>json_extract(CAST(data AS TEXT), '$.station')</c> reads a field. Times are UTC text (see SqliteTime).
/// </summary>
internal static class EventSchema
{
    public const string Create = """
        CREATE TABLE IF NOT EXISTS events (
            position        INTEGER PRIMARY KEY AUTOINCREMENT,
            stream_id       TEXT    NOT NULL,
            stream_revision INTEGER NOT NULL,
            event_id        TEXT    NOT NULL,
            event_type      TEXT    NOT NULL,
            data            BLOB    NOT NULL,
            metadata        BLOB    NOT NULL,
            created_utc     TEXT    NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS events_by_stream ON events (stream_id, stream_revision);
        """;

    public const string Columns = "position, stream_id, stream_revision, event_id, event_type, data, metadata, created_utc";
}
