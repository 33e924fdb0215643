using Microsoft.Data.Sqlite;
using Projections.Core.Events;

namespace Projections.Sqlite.Events;

/// <summary>Appends requests inside one write transaction, checking each stream's expected revision.</summary>
internal sealed class EventAppender : IDisposable
{
    private readonly SqliteCommand _revision;
    private readonly SqliteCommand _insert;

    public EventAppender(SqliteConnection connection, SqliteTransaction transaction)
    {
        _revision = connection.CreateCommand();
        _revision.Transaction = transaction;
        _revision.CommandText = "SELECT MAX(stream_revision) FROM events WHERE stream_id = $stream";
        _revision.Parameters.Add("$stream", SqliteType.Text);

        _insert = connection.CreateCommand();
        _insert.Transaction = transaction;
        _insert.CommandText = """
            INSERT INTO events (stream_id, stream_revision, event_id, event_type, data, metadata, created_utc)
            VALUES ($stream, $revision, $id, $type, $data, $metadata, $created)
            RETURNING position
            """;
        foreach (var (name, type) in new[] { ("$stream", SqliteType.Text), ("$revision", SqliteType.Integer), ("$id", SqliteType.Text),
                     ("$type", SqliteType.Text), ("$data", SqliteType.Blob), ("$metadata", SqliteType.Blob), ("$created", SqliteType.Text) })
            _insert.Parameters.Add(name, type);
    }

    public AppendResult Append(AppendRequest request, string createdUtc)
    {
        var current = CurrentRevision(request.StreamId);
        if (!Satisfies(request.Expected, current))
            throw new WrongExpectedVersionException(request.StreamId, request.Expected, current);

        var revision = current is { } c ? (long)c + 1 : 0L;
        long position = 0;
        _insert.Parameters["$stream"].Value = request.StreamId;
        _insert.Parameters["$created"].Value = createdUtc;
        foreach (var e in request.Events)
        {
            _insert.Parameters["$revision"].Value = revision++;
            _insert.Parameters["$id"].Value = e.EventId.ToString();
            _insert.Parameters["$type"].Value = e.EventType;
            _insert.Parameters["$data"].Value = e.Data.ToArray();
            _insert.Parameters["$metadata"].Value = e.Metadata.ToArray();
            position = (long)_insert.ExecuteScalar()!;
        }
        return new AppendResult((ulong)(revision - 1), GlobalPosition.Of((ulong)position));
    }

    private ulong? CurrentRevision(string streamId)
    {
        _revision.Parameters["$stream"].Value = streamId;
        return _revision.ExecuteScalar() is long r ? (ulong)r : null;
    }

    private static bool Satisfies(ExpectedRevision expected, ulong? current) => expected.Type switch
    {
        ExpectedRevision.Kind.Any => true,
        ExpectedRevision.Kind.NoStream => current is null,
        ExpectedRevision.Kind.StreamExists => current is not null,
        _ => current == expected.Revision,
    };

    public static void Validate(AppendRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.StreamId))
            throw new ArgumentException("Cannot append to an empty stream id.", nameof(request));
        if (request.Events is null || request.Events.Count == 0)
            throw new ArgumentException($"Append to stream '{request.StreamId}' has no events.", nameof(request));
        foreach (var e in request.Events)
            if (string.IsNullOrWhiteSpace(e.EventType))
                throw new ArgumentException($"Event {e.EventId} appended to stream '{request.StreamId}' has an empty event type.", nameof(request));
    }

    public void Dispose()
    {
        _revision.Dispose();
        _insert.Dispose();
    }
}
