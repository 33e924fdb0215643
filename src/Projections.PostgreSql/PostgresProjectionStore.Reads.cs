using Npgsql;
using NpgsqlTypes;
using Projections.Core.Ports;

namespace Projections.PostgreSql;

public sealed partial class PostgresProjectionStore
{
    /// <summary>The recorded generations, read without taking the schema lock; a projection seen for the first time is created with one shard as by EnsureProjection.</summary>
    public async Task<ProjectionGenerations> ReadGenerations(string projection, CancellationToken cancellationToken)
    {
        var recorded = await Read($"read the generations of projection '{projection}'", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"SELECT {GenerationCatalog.GenerationColumns} FROM {_schema.Generations} WHERE projection = $1", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = projection });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? GenerationCatalog.FromRow(reader, 0) : null;
        }, cancellationToken).ConfigureAwait(false);
        return recorded ?? await EnsureProjection(projection, [], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deadlines in (deadline, key) order from the generation's partial index on (timeout_ticks, key).</summary>
    public async Task<IReadOnlyList<StoredTimeout>> LoadTimeouts(string projection, int generation, StoredTimeout? after, int limit, CancellationToken cancellationToken)
    {
        var table = await DocumentTable(projection, generation, cancellationToken).ConfigureAwait(false);
        if (table is null) return [];
        return await Read<IReadOnlyList<StoredTimeout>>($"load the deadlines of projection '{projection}'", async (connection, ct) =>
        {
            await using var command = new NpgsqlCommand($"""
                SELECT key, timeout_ticks FROM {_schema.Table(table)}
                WHERE timeout_ticks IS NOT NULL AND ($1::bigint IS NULL OR (timeout_ticks, key) > ($1, $2))
                ORDER BY timeout_ticks, key LIMIT $3
                """, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = after is { } a ? a.TimeoutAt.UtcTicks : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint });
            command.Parameters.Add(new NpgsqlParameter { Value = after is { } b ? b.Key : DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter { Value = limit, NpgsqlDbType = NpgsqlDbType.Integer });
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var timeouts = new List<StoredTimeout>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) timeouts.Add(new StoredTimeout(reader.GetString(0), PostgresValues.FromTicks(reader.GetInt64(1))));
            return timeouts;
        }, cancellationToken).ConfigureAwait(false) ?? [];
    }
}
