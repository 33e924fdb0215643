using System.Text;
using Npgsql;
using NpgsqlTypes;
using Projections.Core.Ports;

namespace Projections.PostgreSql;

/// <summary>One guarded INSERT ... SELECT FROM unnest(...) with one array parameter per column: a single statement, no temporary table.</summary>
internal sealed class UnnestDocumentWriter : IDocumentBulkWriter
{
    private const string Source = "unnest($1, $2, $3, $4, $5, $6, $7, $8, $9) AS incoming (" + PostgresSchema.DocumentColumns + ")";

    public Task<NpgsqlBatchCommand> Stage(NpgsqlConnection connection, PostgresSchema schema, string table, IReadOnlyList<StoredDocument> documents, CancellationToken cancellationToken)
    {
        var n = documents.Count;
        var keys = new string[n];
        var states = new string[n];
        var versions = new long[n];
        var commits = new long[n];
        var prepares = new long[n];
        var updated = new DateTime[n];
        var updatedTicks = new long[n];
        var timeouts = new DateTime?[n];
        var timeoutTicks = new long?[n];
        for (var i = 0; i < n; i++)
        {
            var d = documents[i];
            keys[i] = d.Key;
            states[i] = Encoding.UTF8.GetString(d.StateJson.Span);
            versions[i] = d.Version;
            commits[i] = PostgresValues.Position(d.Position.Commit);
            prepares[i] = PostgresValues.Position(d.Position.Prepare);
            updated[i] = PostgresValues.Timestamp(d.UpdatedAt);
            updatedTicks[i] = d.UpdatedAt.UtcTicks;
            timeouts[i] = PostgresValues.Timestamp(d.TimeoutAt);
            timeoutTicks[i] = PostgresValues.Ticks(d.TimeoutAt);
        }
        var command = new NpgsqlBatchCommand(schema.GuardedUpsert(table, Source));
        command.Parameters.Add(new NpgsqlParameter { Value = keys, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = states, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        command.Parameters.Add(new NpgsqlParameter { Value = versions, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = commits, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = prepares, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = updated, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = updatedTicks, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter { Value = timeouts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = timeoutTicks, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });
        return Task.FromResult(command);
    }
}
