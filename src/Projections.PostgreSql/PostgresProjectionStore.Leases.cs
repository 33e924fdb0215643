using Projections.Core.Ports;

namespace Projections.PostgreSql;

/// <summary>Leases in the projection database: every host that shares the database shares them, timed by the server's clock.</summary>
public sealed partial class PostgresProjectionStore : ILeaseStore
{
    public Task<Lease?> TryAcquire(LeaseKey key, string owner, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        return Read($"acquire the lease on {key}", async (connection, ct) =>
        {
            await using var command = _leases.TryAcquire(connection, key, owner, timeToLive);
            return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is long epoch ? new Lease(key, owner, epoch) : null;
        }, cancellationToken);
    }

    public Task<bool> Renew(Lease lease, TimeSpan timeToLive, CancellationToken cancellationToken) =>
        Read($"renew the lease on {lease.Key}", async (connection, ct) =>
        {
            await using var command = _leases.SetExpiry(connection, lease, timeToLive, free: false);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, cancellationToken);

    public Task Release(Lease lease, CancellationToken cancellationToken) =>
        Read($"release the lease on {lease.Key}", async (connection, ct) =>
        {
            await using var command = _leases.SetExpiry(connection, lease, TimeSpan.Zero, free: true);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);

    public Task<IReadOnlyList<LeaseRecord>> ReadLeases(string projection, CancellationToken cancellationToken) =>
        Read<IReadOnlyList<LeaseRecord>>($"read the leases of projection '{projection}'", async (connection, ct) =>
        {
            await using var command = _leases.ReadAll(connection, projection);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var leases = new List<LeaseRecord>();
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                leases.Add(new LeaseRecord(new LeaseKey(projection, reader.GetInt32(0), reader.GetInt32(1)),
                    reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3), reader.GetFieldValue<DateTimeOffset>(4)));
            return leases;
        }, cancellationToken);
}
