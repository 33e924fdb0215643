using Npgsql;
using NpgsqlTypes;
using Projections.Core.Ports;

namespace Projections.PostgreSql;

/// <summary>
/// Writes one flush in one transaction: the lease fence, the documents (through the bulk writer, version-guarded),
/// the dead letters (once per position), then the batch's shard's checkpoint, which never moves backwards.
/// </summary>
internal sealed class FlushWriter(PostgresSchema schema, IDocumentBulkWriter documents, LeaseStatements leases)
{
    public async Task Write(NpgsqlConnection connection, ProjectionBatch batch, string table, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (batch.Fence is { } fence) await CheckFence(connection, transaction, fence, cancellationToken).ConfigureAwait(false);
        await using var commands = new NpgsqlBatch(connection, transaction);
        if (batch.Documents.Count > 0)
            commands.BatchCommands.Add(await documents.Stage(connection, schema, table, batch.Documents, cancellationToken).ConfigureAwait(false));
        foreach (var letter in batch.DeadLetters) commands.BatchCommands.Add(DeadLetter(batch, letter));
        commands.BatchCommands.Add(Checkpoint(batch, now));
        await commands.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refuses the batch unless its fence is still the lease's owner and epoch; the row stays share-locked until the commit.</summary>
    private async Task CheckFence(NpgsqlConnection connection, NpgsqlTransaction transaction, Lease fence, CancellationToken ct)
    {
        await using var command = leases.LockForFence(connection, transaction, fence.Key);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        if (!await reader.ReadAsync(ct).ConfigureAwait(false)) throw LeaseLostException.For(fence, null, null);
        var owner = reader.IsDBNull(0) ? null : reader.GetString(0);
        var epoch = reader.GetInt64(1);
        if (owner != fence.Owner || epoch != fence.Epoch) throw LeaseLostException.For(fence, epoch, owner);
    }

    private NpgsqlBatchCommand DeadLetter(ProjectionBatch batch, DeadLetter letter)
    {
        var command = new NpgsqlBatchCommand($"""
            INSERT INTO {schema.DeadLetters} (projection, generation, {DocumentRows.DeadLetterColumns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
            ON CONFLICT (projection, generation, commit_position, prepare_position) DO NOTHING
            """);
        Add(command, batch.Projection, NpgsqlDbType.Text);
        Add(command, batch.Generation, NpgsqlDbType.Integer);
        Add(command, PostgresValues.Position(letter.Position.Commit), NpgsqlDbType.Bigint);
        Add(command, PostgresValues.Position(letter.Position.Prepare), NpgsqlDbType.Bigint);
        Add(command, letter.StreamId, NpgsqlDbType.Text);
        Add(command, PostgresValues.Position(letter.StreamRevision), NpgsqlDbType.Bigint);
        Add(command, letter.EventId, NpgsqlDbType.Uuid);
        Add(command, letter.EventType, NpgsqlDbType.Text);
        Add(command, letter.Data.ToArray(), NpgsqlDbType.Bytea);
        Add(command, letter.Metadata.ToArray(), NpgsqlDbType.Bytea);
        Add(command, letter.Reason, NpgsqlDbType.Text);
        Add(command, PostgresValues.Timestamp(letter.ParkedAt), NpgsqlDbType.TimestampTz);
        Add(command, letter.ParkedAt.UtcTicks, NpgsqlDbType.Bigint);
        return command;
    }

    // The batch's shard's row only. "<=": the same position again (a replay, or an earlier chunk of a split flush) refreshes
    // the row; an older one changes nothing.
    private NpgsqlBatchCommand Checkpoint(ProjectionBatch batch, DateTimeOffset now)
    {
        var command = new NpgsqlBatchCommand($"""
            INSERT INTO {schema.Checkpoints} AS stored (projection, generation, shard, commit_position, prepare_position, stream_time, stream_time_ticks, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (projection, generation, shard) DO UPDATE SET
                commit_position = excluded.commit_position, prepare_position = excluded.prepare_position,
                stream_time = excluded.stream_time, stream_time_ticks = excluded.stream_time_ticks, updated_at = excluded.updated_at
            WHERE (stored.commit_position, stored.prepare_position) <= (excluded.commit_position, excluded.prepare_position)
            """);
        Add(command, batch.Projection, NpgsqlDbType.Text);
        Add(command, batch.Generation, NpgsqlDbType.Integer);
        Add(command, batch.Shard, NpgsqlDbType.Integer);
        Add(command, PostgresValues.Position(batch.Checkpoint.Position.Commit), NpgsqlDbType.Bigint);
        Add(command, PostgresValues.Position(batch.Checkpoint.Position.Prepare), NpgsqlDbType.Bigint);
        Add(command, (object?)PostgresValues.Timestamp(batch.Checkpoint.StreamTime) ?? DBNull.Value, NpgsqlDbType.TimestampTz);
        Add(command, (object?)PostgresValues.Ticks(batch.Checkpoint.StreamTime) ?? DBNull.Value, NpgsqlDbType.Bigint);
        Add(command, PostgresValues.Timestamp(now), NpgsqlDbType.TimestampTz);
        return command;
    }

    private static void Add(NpgsqlBatchCommand command, object value, NpgsqlDbType type) =>
        command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
}
