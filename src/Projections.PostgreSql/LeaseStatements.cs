using Npgsql;
using Projections.Core.Ports;

namespace Projections.PostgreSql;

/// <summary>
/// The projection_leases rows (see <see cref="ILeaseStore"/>). Each rule is one statement, so PostgreSQL's
/// row locks make it atomic across hosts; expiry is measured by the server's clock (clock_timestamp()),
/// so the hosts' clocks do not matter.
/// </summary>
internal sealed class LeaseStatements(PostgresSchema schema)
{
    private const string Key = "projection = $1 AND generation = $2 AND shard = $3";

    /// <summary>Takes a free, expired or own lease; the epoch grows whenever the owner changes. Returns no row while another owner holds it.</summary>
    public NpgsqlCommand TryAcquire(NpgsqlConnection connection, LeaseKey key, string owner, TimeSpan timeToLive) => Command(connection, $"""
        INSERT INTO {schema.Leases} AS held (projection, generation, shard, owner, epoch, expires_at)
        VALUES ($1, $2, $3, $4, 1, clock_timestamp() + $5 * interval '1 millisecond')
        ON CONFLICT (projection, generation, shard) DO UPDATE SET
            owner = excluded.owner,
            epoch = CASE WHEN held.owner = excluded.owner THEN held.epoch ELSE held.epoch + 1 END,
            expires_at = excluded.expires_at
        WHERE held.owner IS NULL OR held.owner = excluded.owner OR held.expires_at <= clock_timestamp()
        RETURNING epoch
        """, key, owner, (long)timeToLive.TotalMilliseconds);

    /// <summary>Extends (or, with <paramref name="free"/>, releases) a lease still held by this owner and epoch; affects no row when it was lost.</summary>
    public NpgsqlCommand SetExpiry(NpgsqlConnection connection, Lease lease, TimeSpan timeToLive, bool free) => Command(connection, $"""
        UPDATE {schema.Leases} SET expires_at = clock_timestamp() + $6 * interval '1 millisecond'{(free ? ", owner = NULL" : "")}
        WHERE {Key} AND owner = $4 AND epoch = $5
        """, lease.Key, lease.Owner, lease.Epoch, (long)timeToLive.TotalMilliseconds);

    public NpgsqlCommand ReadAll(NpgsqlConnection connection, string projection)
    {
        var command = new NpgsqlCommand($"SELECT generation, shard, owner, epoch, expires_at FROM {schema.Leases} WHERE projection = $1 ORDER BY generation, shard", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = projection });
        return command;
    }

    /// <summary>
    /// Reads the lease a fenced batch carries and holds a share lock on its row until the flush commits, so
    /// no takeover can commit between this check and the flush's writes.
    /// </summary>
    public NpgsqlCommand LockForFence(NpgsqlConnection connection, NpgsqlTransaction transaction, LeaseKey key)
    {
        var command = Command(connection, $"SELECT owner, epoch FROM {schema.Leases} WHERE {Key} FOR SHARE", key);
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Frees a generation's leases and bumps their epochs, so whoever held one is fenced out (rows stay: epochs never repeat).</summary>
    public string Revoke => $"UPDATE {schema.Leases} SET owner = NULL, epoch = epoch + 1, expires_at = to_timestamp(0) WHERE projection = $1 AND generation = $2";

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, LeaseKey key, params object[] more)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var value in new object[] { key.Projection, key.Generation, key.Shard }.Concat(more))
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }
}
