using Microsoft.Data.Sqlite;
using Projections.Core.Ports;

namespace Projections.Sqlite.Documents;

/// <summary>The projection_hosts rows (see <see cref="IHostRegistry"/>); times are Unix milliseconds of the machine's clock, like the leases'.</summary>
internal static class HostRows
{
    public static void Heartbeat(SqliteConnection connection, SqliteTransaction transaction, HostBeat host, long now, long expiresAt, long forgetBefore)
    {
        using var forget = Command(connection, transaction, "DELETE FROM projection_hosts WHERE expires_at < $forget");
        forget.Parameters.AddWithValue("$forget", forgetBefore);
        forget.ExecuteNonQuery();
        using var upsert = Command(connection, transaction, """
            INSERT INTO projection_hosts (host, address, started_at, heartbeat_at, expires_at) VALUES ($host, $address, $now, $now, $expires)
            ON CONFLICT (host) DO UPDATE SET address = excluded.address, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at
            """);
        upsert.Parameters.AddWithValue("$host", host.Id);
        upsert.Parameters.AddWithValue("$address", (object?)host.Address ?? DBNull.Value);
        upsert.Parameters.AddWithValue("$now", now);
        upsert.Parameters.AddWithValue("$expires", expiresAt);
        upsert.ExecuteNonQuery();
    }

    public static void SignOff(SqliteConnection connection, SqliteTransaction transaction, string hostId, long now)
    {
        using var update = Command(connection, transaction, "UPDATE projection_hosts SET expires_at = MIN(expires_at, $now) WHERE host = $host");
        update.Parameters.AddWithValue("$host", hostId);
        update.Parameters.AddWithValue("$now", now);
        update.ExecuteNonQuery();
    }

    public static IReadOnlyList<HostRecord> ReadAll(SqliteConnection connection, long now)
    {
        using var transaction = connection.BeginTransaction(deferred: true); // one snapshot of hosts and leases
        var held = new List<(string Owner, LeaseKey Key)>();
        using (var leases = Command(connection, transaction,
            "SELECT owner, projection, generation, shard FROM projection_leases WHERE owner IS NOT NULL AND expires_at > $now ORDER BY projection, generation, shard"))
        {
            leases.Parameters.AddWithValue("$now", now);
            using var reader = leases.ExecuteReader();
            while (reader.Read()) held.Add((reader.GetString(0), new LeaseKey(reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3))));
        }
        var byOwner = held.ToLookup(h => h.Owner, h => h.Key, StringComparer.Ordinal);
        using var hosts = Command(connection, transaction, "SELECT host, address, started_at, heartbeat_at, expires_at FROM projection_hosts ORDER BY started_at, host");
        using var rows = hosts.ExecuteReader();
        var records = new List<HostRecord>();
        while (rows.Read())
        {
            var id = rows.GetString(0);
            records.Add(new HostRecord(id, rows.IsDBNull(1) ? null : rows.GetString(1), Time(rows.GetInt64(2)), Time(rows.GetInt64(3)),
                rows.GetInt64(4) > now, byOwner[id].ToArray()));
        }
        return records;
    }

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
