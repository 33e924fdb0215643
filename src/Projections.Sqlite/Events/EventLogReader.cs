using Microsoft.Data.Sqlite;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Sqlite.Events;

/// <summary>
/// Reads the global log in pages over one connection with prepared commands, for one filter.
/// A page scans at most a window of positions, so a filter that matches nothing still returns
/// promptly and the caller can report how far it scanned.
/// </summary>
internal sealed class EventLogReader : IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly int _pageSize;
    private readonly long _scanWindow;
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _head;
    private readonly SqliteCommand _page;

    public EventLogReader(SqliteDatabase database, EventFilter filter, int pageSize)
    {
        _database = database;
        _pageSize = pageSize;
        _scanWindow = Math.Max(10_000L, pageSize * 16L);
        _connection = database.Open();
        _head = _connection.CreateCommand();
        _head.CommandText = "SELECT COALESCE(MAX(position), 0) FROM events";
        var filterSql = new EventFilterSql(filter);
        _page = _connection.CreateCommand();
        _page.CommandText = $"SELECT {EventSchema.Columns} FROM events WHERE position > $after AND position <= $upTo AND {filterSql.Condition} ORDER BY position LIMIT {pageSize}";
        _page.Parameters.Add("$after", SqliteType.Integer);
        _page.Parameters.Add("$upTo", SqliteType.Integer);
        filterSql.Bind(_page);
    }

    public long ReadHead() => _database.Retry(() => (long)_head.ExecuteScalar()!);

    /// <summary>
    /// Matching events after <paramref name="after"/> up to <paramref name="head"/>, and the position the
    /// scan covered: the last event's position when the page is full, else the end of the scanned window.
    /// </summary>
    public (List<RecordedEvent> Events, long ScannedTo) ReadPage(long after, long head)
    {
        var upTo = Math.Min(head, after + _scanWindow);
        var events = _database.Retry(() =>
        {
            _page.Parameters["$after"].Value = after;
            _page.Parameters["$upTo"].Value = upTo;
            return EventRows.ReadAll(_page);
        });
        var scannedTo = events.Count == _pageSize ? (long)events[^1].Position.Commit : upTo;
        return (events, scannedTo);
    }

    public void Dispose()
    {
        _head.Dispose();
        _page.Dispose();
        _connection.Dispose();
    }
}
