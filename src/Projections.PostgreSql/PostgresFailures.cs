using System.Net.Sockets;
using Npgsql;
using Projections.Core.Ports;

namespace Projections.PostgreSql;

/// <summary>
/// Sorts Npgsql failures into "retry later" (<see cref="ProjectionStoreUnavailableException"/>: the engine
/// backs off and retries) and "retrying cannot help", each message naming the store but never its password.
/// </summary>
internal sealed class PostgresFailures(string storeDescription)
{
    // Serialization failure, deadlock, shutdowns and restarts, too many connections, out of resources,
    // lock timeouts, a statement cancelled by the server (statement_timeout), a standby during failover.
    private static readonly HashSet<string> TransientStates =
        ["40001", "40P01", "57P01", "57P02", "57P03", "53000", "53200", "53300", "53400", "55P03", "57014", "25006"];

    public static bool IsTransient(Exception e) => e switch
    {
        PostgresException pg => TransientStates.Contains(pg.SqlState) || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException,
        IOException or SocketException or TimeoutException => true,
        _ => false,
    };

    /// <summary>A failure of a read or a schema change.</summary>
    public Exception Translate(string operation, Exception e) => IsTransient(e)
        ? new ProjectionStoreUnavailableException($"{storeDescription} could not {operation}: {Describe(e)}", e)
        : new PostgresStoreException($"{storeDescription} refused to {operation}: {Describe(e)}", e);

    /// <summary>A failure of a flush: transient, or a write error naming the aggregate at fault when one is.</summary>
    public Exception TranslateWrite(ProjectionBatch batch, Exception e)
    {
        var what = $"write {batch.Documents.Count} documents of projection '{batch.Projection}' generation {batch.Generation}";
        if (IsTransient(e)) return new ProjectionStoreUnavailableException($"{storeDescription} could not {what}: {Describe(e)}", e);
        var culprit = e is PostgresException pg ? UnstorableDocument.Find(pg, batch.Documents) : null;
        return culprit is null
            ? new ProjectionStoreWriteException($"{storeDescription} refused to {what}: {Describe(e)}", inner: e)
            : new ProjectionStoreWriteException($"{storeDescription} refused the document of aggregate '{culprit.Value.Key}' (projection '{batch.Projection}'): {culprit.Value.Reason} ({Describe(e)})", culprit.Value.Key, e);
    }

    private static string Describe(Exception e) => e is PostgresException pg ? $"{pg.MessageText} (SQLSTATE {pg.SqlState})" : e.Message;
}
