using System.Text;
using Microsoft.Data.Sqlite;
using Projections.Core.Events;
using Projections.Core.Ports;

namespace Projections.Sqlite.Documents;

/// <summary>Row mapping of documents (selected with <see cref="ProjectionSchema.DocumentColumns"/>) and dead letters.</summary>
internal static class DocumentRows
{
    public const string DeadLetterColumns = "commit_position, prepare_position, stream_id, stream_revision, event_id, event_type, data, metadata, reason, parked_at";

    public static StoredDocument ReadDocument(SqliteDataReader row) => new(
        Key: row.GetString(0),
        StateJson: Encoding.UTF8.GetBytes(row.GetString(1)),
        Version: row.GetInt64(2),
        Position: new GlobalPosition((ulong)row.GetInt64(3), (ulong)row.GetInt64(4)),
        TimeoutAt: row.IsDBNull(5) ? null : SqliteTime.Parse(row.GetString(5)),
        UpdatedAt: SqliteTime.Parse(row.GetString(6)));

    public static DeadLetter ReadDeadLetter(SqliteDataReader row) => new(
        Position: new GlobalPosition((ulong)row.GetInt64(0), (ulong)row.GetInt64(1)),
        StreamId: row.GetString(2),
        StreamRevision: (ulong)row.GetInt64(3),
        EventId: Guid.Parse(row.GetString(4)),
        EventType: row.GetString(5),
        Data: row.IsDBNull(6) ? [] : (byte[])row.GetValue(6),
        Metadata: row.IsDBNull(7) ? [] : (byte[])row.GetValue(7),
        Reason: row.GetString(8),
        ParkedAt: SqliteTime.Parse(row.GetString(9)));

    public static long ToDb(ulong value) => checked((long)value);
}
