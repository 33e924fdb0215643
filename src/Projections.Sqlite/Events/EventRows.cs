using Microsoft.Data.Sqlite;
using Projections.Core.Events;

namespace Projections.Sqlite.Events;

/// <summary>Reads <see cref="RecordedEvent"/>s from rows selected with <see cref="EventSchema.Columns"/>.</summary>
internal static class EventRows
{
    public static List<RecordedEvent> ReadAll(SqliteCommand command)
    {
        var events = new List<RecordedEvent>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) events.Add(Read(reader));
        return events;
    }

    private static RecordedEvent Read(SqliteDataReader row) => new(
        streamId: row.GetString(1),
        streamRevision: (ulong)row.GetInt64(2),
        position: GlobalPosition.Of((ulong)row.GetInt64(0)),
        eventId: Guid.Parse(row.GetString(3)),
        eventType: row.GetString(4),
        data: Bytes(row, 5),
        metadata: Bytes(row, 6),
        created: SqliteTime.Parse(row.GetString(7)));

    private static byte[] Bytes(SqliteDataReader row, int ordinal) => row.IsDBNull(ordinal) ? [] : (byte[])row.GetValue(ordinal);
}
