using System.Text;
using Npgsql;
using Projections.Core.Ports;

namespace Projections.PostgreSql;

/// <summary>Row mapping of documents (selected with <see cref="PostgresSchema.DocumentColumns"/>) and dead letters.</summary>
internal static class DocumentRows
{
    public const string DeadLetterColumns = "commit_position, prepare_position, stream_id, stream_revision, event_id, event_type, data, metadata, reason, parked_at, parked_at_ticks";

    // Columns: key, state, version, commit_position, prepare_position, updated_at, updated_ticks, timeout_at, timeout_ticks.
    public static StoredDocument ReadDocument(NpgsqlDataReader row) => new(
        Key: row.GetString(0),
        StateJson: Encoding.UTF8.GetBytes(row.GetString(1)),
        Version: row.GetInt64(2),
        Position: PostgresValues.Position(row.GetInt64(3), row.GetInt64(4)),
        TimeoutAt: row.IsDBNull(8) ? null : PostgresValues.FromTicks(row.GetInt64(8)),
        UpdatedAt: PostgresValues.FromTicks(row.GetInt64(6)));

    public static DeadLetter ReadDeadLetter(NpgsqlDataReader row) => new(
        Position: PostgresValues.Position(row.GetInt64(0), row.GetInt64(1)),
        StreamId: row.GetString(2),
        StreamRevision: (ulong)row.GetInt64(3),
        EventId: row.GetGuid(4),
        EventType: row.GetString(5),
        Data: (byte[])row.GetValue(6),
        Metadata: (byte[])row.GetValue(7),
        Reason: row.GetString(8),
        ParkedAt: PostgresValues.FromTicks(row.GetInt64(10)));
}
