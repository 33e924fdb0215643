using System.Text;
using Npgsql;
using NpgsqlTypes;
using Projections.Core.Ports;

namespace Projections.PostgreSql;

/// <summary>Binary COPY into a temporary table (dropped at commit), then one guarded INSERT ... SELECT from it.</summary>
internal sealed class CopyDocumentWriter : IDocumentBulkWriter
{
    private const string Incoming = "incoming_documents";

    public async Task<NpgsqlBatchCommand> Stage(NpgsqlConnection connection, PostgresSchema schema, string table, IReadOnlyList<StoredDocument> documents, CancellationToken cancellationToken)
    {
        await using (var create = new NpgsqlCommand($"CREATE TEMP TABLE {Incoming} (LIKE {schema.Table(table)}) ON COMMIT DROP", connection))
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

        await using (var importer = await connection.BeginBinaryImportAsync($"COPY {Incoming} ({PostgresSchema.DocumentColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
            foreach (var d in documents)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(d.Key, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(Encoding.UTF8.GetString(d.StateJson.Span), NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(d.Version, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(PostgresValues.Position(d.Position.Commit), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(PostgresValues.Position(d.Position.Prepare), NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(PostgresValues.Timestamp(d.UpdatedAt), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(d.UpdatedAt.UtcTicks, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                if (d.TimeoutAt is { } timeout)
                {
                    await importer.WriteAsync(PostgresValues.Timestamp(timeout), NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                    await importer.WriteAsync(timeout.UtcTicks, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    await importer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
        return new NpgsqlBatchCommand(schema.GuardedUpsert(table, Incoming));
    }
}
