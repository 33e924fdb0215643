using Microsoft.Data.Sqlite;
using Projections.Core.Ports;

namespace Projections.Sqlite.Documents;

/// <summary>
/// The projection_leases rows (see <see cref="ILeaseStore"/>). Every statement runs inside a write
/// transaction, which SQLite serializes across processes, so each rule below is one atomic step.
/// Times are Unix milliseconds of the store's clock (all processes on one machine share it).
/// </summary>
internal static class LeaseRows
{
    public static Lease? TryAcquire(SqliteConnection connection, SqliteTransaction transaction, LeaseKey key, string owner, long now, long expiresAt)
    {
        var current = Read(connection, transaction, key);
        if (current is { Owner: { } holder } && holder != owner && current.Value.ExpiresAt > now) return null;
        var epoch = current is null ? 1 : current.Value.Owner == owner ? current.Value.Epoch : current.Value.Epoch + 1;
        using var upsert = Command(connection, transaction, """
            INSERT INTO projection_leases (projection, generation, shard, owner, epoch, expires_at) VALUES ($projection, $generation, $shard, $owner, $epoch, $expires)
            ON CONFLICT (projection, generation, shard) DO UPDATE SET owner = excluded.owner, epoch = excluded.epoch, expires_at = excluded.expires_at
            """, key);
        upsert.Parameters.AddWithValue("$owner", owner);
        upsert.Parameters.AddWithValue("$epoch", epoch);
        upsert.Parameters.AddWithValue("$expires", expiresAt);
        upsert.ExecuteNonQuery();
        return new Lease(key, owner, epoch);
    }

    /// <summary>Sets the expiry of a lease still held by this owner and epoch; false when it was lost.</summary>
    public static bool SetExpiry(SqliteConnection connection, SqliteTransaction transaction, Lease lease, long expiresAt, bool free)
    {
        using var update = Command(connection, transaction,
            $"UPDATE projection_leases SET expires_at = $expires{(free ? ", owner = NULL" : "")} WHERE projection = $projection AND generation = $generation AND shard = $shard AND owner = $owner AND epoch = $epoch",
            lease.Key);
        update.Parameters.AddWithValue("$expires", expiresAt);
        update.Parameters.AddWithValue("$owner", lease.Owner);
        update.Parameters.AddWithValue("$epoch", lease.Epoch);
        return update.ExecuteNonQuery() == 1;
    }

    /// <summary>Throws <see cref="LeaseLostException"/> unless <paramref name="fence"/> is still the lease's owner and epoch.</summary>
    public static void CheckFence(SqliteConnection connection, SqliteTransaction transaction, Lease fence)
    {
        var current = Read(connection, transaction, fence.Key);
        if (current is not { } c || c.Owner != fence.Owner || c.Epoch != fence.Epoch)
            throw LeaseLostException.For(fence, current?.Epoch, current?.Owner);
    }

    public static IReadOnlyList<LeaseRecord> ReadAll(SqliteConnection connection, string projection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT generation, shard, owner, epoch, expires_at FROM projection_leases WHERE projection = $projection ORDER BY generation, shard";
        command.Parameters.AddWithValue("$projection", projection);
        using var reader = command.ExecuteReader();
        var leases = new List<LeaseRecord>();
        while (reader.Read())
            leases.Add(new LeaseRecord(new LeaseKey(projection, reader.GetInt32(0), reader.GetInt32(1)),
                reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))));
        return leases;
    }

    private static (string? Owner, long Epoch, long ExpiresAt)? Read(SqliteConnection connection, SqliteTransaction transaction, LeaseKey key)
    {
        using var command = Command(connection, transaction,
            "SELECT owner, epoch, expires_at FROM projection_leases WHERE projection = $projection AND generation = $generation AND shard = $shard", key);
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, LeaseKey key)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$projection", key.Projection);
        command.Parameters.AddWithValue("$generation", key.Generation);
        command.Parameters.AddWithValue("$shard", key.Shard);
        return command;
    }
}
