using Npgsql;
using Projections.Core.Ports;

namespace Projections.PostgreSql;

/// <summary>The projection_hosts rows (see <see cref="IHostRegistry"/>), timed by the server's clock like the leases.</summary>
internal sealed class HostStatements(PostgresSchema schema)
{
    /// <summary>Forgets hosts gone longer than the forget time (never the caller), then records the caller alive.</summary>
    public NpgsqlCommand Heartbeat(NpgsqlConnection connection, HostBeat host, TimeSpan timeToLive, TimeSpan forgetGoneAfter) => Command(connection, $"""
        WITH forgotten AS (DELETE FROM {schema.Hosts} WHERE host <> $1 AND expires_at < clock_timestamp() - $4 * interval '1 millisecond')
        INSERT INTO {schema.Hosts} (host, address, started_at, heartbeat_at, expires_at)
        VALUES ($1, $2, clock_timestamp(), clock_timestamp(), clock_timestamp() + $3 * interval '1 millisecond')
        ON CONFLICT (host) DO UPDATE SET address = excluded.address, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at
        """, host.Id, (object?)host.Address ?? DBNull.Value, (long)timeToLive.TotalMilliseconds, (long)forgetGoneAfter.TotalMilliseconds);

    public NpgsqlCommand SignOff(NpgsqlConnection connection, string hostId) =>
        Command(connection, $"UPDATE {schema.Hosts} SET expires_at = LEAST(expires_at, clock_timestamp()) WHERE host = $1", hostId);

    /// <summary>One row per (host, unexpired lease it owns), or one row with null lease columns for a host that holds none.</summary>
    public NpgsqlCommand ReadAll(NpgsqlConnection connection) => Command(connection, $"""
        SELECT h.host, h.address, h.started_at, h.heartbeat_at, h.expires_at > now(), l.projection, l.generation, l.shard
        FROM {schema.Hosts} h LEFT JOIN {schema.Leases} l ON l.owner = h.host AND l.expires_at > now()
        ORDER BY h.started_at, h.host, l.projection, l.generation, l.shard
        """);

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params object[] values)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}
