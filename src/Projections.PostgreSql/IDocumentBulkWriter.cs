using Npgsql;
using Projections.Core.Ports;

namespace Projections.PostgreSql;

/// <summary>One way to send a flush's documents: stages them and returns the guarded upsert that the flush's transaction runs.</summary>
internal interface IDocumentBulkWriter
{
    Task<NpgsqlBatchCommand> Stage(NpgsqlConnection connection, PostgresSchema schema, string table, IReadOnlyList<StoredDocument> documents, CancellationToken cancellationToken);
}
