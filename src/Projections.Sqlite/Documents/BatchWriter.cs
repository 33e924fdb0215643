using System.Text;
using Microsoft.Data.Sqlite;
using Projections.Core.Ports;

namespace Projections.Sqlite.Documents;

/// <summary>Writes one flush — the lease fence, guarded document upserts, dead letters, then the checkpoint (never backwards) — inside one transaction.</summary>
internal static class BatchWriter
{
    /// <param name="requireTable">Throws when the generation's table is missing; called after the fence, so a writer of a dropped generation learns that it lost its lease.</param>
    public static void Write(SqliteConnection connection, ProjectionBatch batch, string table, string now, Action requireTable)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        // The write lock is held from here to the commit, so no acquisition can slip between the check and the writes.
        if (batch.Fence is { } fence) LeaseRows.CheckFence(connection, transaction, fence);
        requireTable();
        WriteDocuments(connection, transaction, batch.Documents, table);
        WriteDeadLetters(connection, transaction, batch);
        WriteCheckpoint(connection, transaction, batch, now);
        transaction.Commit();
    }

    private static void WriteDocuments(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<StoredDocument> documents, string table)
    {
        if (documents.Count == 0) return;
        using var upsert = Command(connection, transaction, ProjectionSchema.Upsert(table),
            "$key", "$state", "$version", "$commit", "$prepare", "$timeout", "$updated");
        foreach (var d in documents)
        {
            upsert.Parameters["$key"].Value = d.Key;
            upsert.Parameters["$state"].Value = Encoding.UTF8.GetString(d.StateJson.Span);
            upsert.Parameters["$version"].Value = d.Version;
            upsert.Parameters["$commit"].Value = DocumentRows.ToDb(d.Position.Commit);
            upsert.Parameters["$prepare"].Value = DocumentRows.ToDb(d.Position.Prepare);
            upsert.Parameters["$timeout"].Value = SqliteTime.ToDb(d.TimeoutAt);
            upsert.Parameters["$updated"].Value = SqliteTime.ToText(d.UpdatedAt);
            upsert.ExecuteNonQuery();
        }
    }

    private static void WriteDeadLetters(SqliteConnection connection, SqliteTransaction transaction, ProjectionBatch batch)
    {
        if (batch.DeadLetters.Count == 0) return;
        using var insert = Command(connection, transaction,
            $"INSERT OR IGNORE INTO projection_dead_letters (projection, generation, {DocumentRows.DeadLetterColumns}) VALUES ($projection, $generation, $commit, $prepare, $stream, $revision, $id, $type, $data, $metadata, $reason, $parked)",
            "$projection", "$generation", "$commit", "$prepare", "$stream", "$revision", "$id", "$type", "$data", "$metadata", "$reason", "$parked");
        insert.Parameters["$projection"].Value = batch.Projection;
        insert.Parameters["$generation"].Value = batch.Generation;
        foreach (var d in batch.DeadLetters)
        {
            insert.Parameters["$commit"].Value = DocumentRows.ToDb(d.Position.Commit);
            insert.Parameters["$prepare"].Value = DocumentRows.ToDb(d.Position.Prepare);
            insert.Parameters["$stream"].Value = d.StreamId;
            insert.Parameters["$revision"].Value = DocumentRows.ToDb(d.StreamRevision);
            insert.Parameters["$id"].Value = d.EventId.ToString();
            insert.Parameters["$type"].Value = d.EventType;
            insert.Parameters["$data"].Value = d.Data.ToArray();
            insert.Parameters["$metadata"].Value = d.Metadata.ToArray();
            insert.Parameters["$reason"].Value = d.Reason;
            insert.Parameters["$parked"].Value = SqliteTime.ToText(d.ParkedAt);
            insert.ExecuteNonQuery();
        }
    }

    private static void WriteCheckpoint(SqliteConnection connection, SqliteTransaction transaction, ProjectionBatch batch, string now)
    {
        using var upsert = Command(connection, transaction, """
            INSERT INTO projection_checkpoints (projection, generation, shard, commit_position, prepare_position, stream_time, updated_at, writer, writer_epoch)
            VALUES ($projection, $generation, $shard, $commit, $prepare, $streamTime, $now, $writer, $epoch)
            ON CONFLICT (projection, generation, shard) DO UPDATE SET
                commit_position = excluded.commit_position, prepare_position = excluded.prepare_position,
                stream_time = excluded.stream_time, updated_at = excluded.updated_at,
                writer = excluded.writer, writer_epoch = excluded.writer_epoch
            WHERE (excluded.commit_position, excluded.prepare_position) >= (projection_checkpoints.commit_position, projection_checkpoints.prepare_position)
            """, "$projection", "$generation", "$shard", "$commit", "$prepare", "$streamTime", "$now", "$writer", "$epoch");
        upsert.Parameters["$projection"].Value = batch.Projection;
        upsert.Parameters["$generation"].Value = batch.Generation;
        upsert.Parameters["$shard"].Value = batch.Shard;
        upsert.Parameters["$commit"].Value = DocumentRows.ToDb(batch.Checkpoint.Position.Commit);
        upsert.Parameters["$prepare"].Value = DocumentRows.ToDb(batch.Checkpoint.Position.Prepare);
        upsert.Parameters["$streamTime"].Value = SqliteTime.ToDb(batch.Checkpoint.StreamTime);
        upsert.Parameters["$now"].Value = now;
        // Who wrote the checkpoint, under which lease epoch: lets an observer check that one writer at a time moved it.
        upsert.Parameters["$writer"].Value = (object?)batch.Fence?.Owner ?? DBNull.Value;
        upsert.Parameters["$epoch"].Value = (object?)batch.Fence?.Epoch ?? DBNull.Value;
        upsert.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        return command;
    }
}
