using Projections.Core.Ports;

namespace Projections.Sqlite.Documents;

/// <summary>Leases in the projection file: several processes on one machine share it (WAL, busy timeout), and each lease step is one write transaction.</summary>
public sealed partial class SqliteProjectionStore : ILeaseStore
{
    public Task<Lease?> TryAcquire(LeaseKey key, string owner, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        return InLeaseTransaction((connection, transaction) =>
            LeaseRows.TryAcquire(connection, transaction, key, owner, now, now + (long)timeToLive.TotalMilliseconds));
    }

    public Task<bool> Renew(Lease lease, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        var expiresAt = _clock.GetUtcNow().ToUnixTimeMilliseconds() + (long)timeToLive.TotalMilliseconds;
        return InLeaseTransaction((connection, transaction) => LeaseRows.SetExpiry(connection, transaction, lease, expiresAt, free: false));
    }

    public Task Release(Lease lease, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        return InLeaseTransaction((connection, transaction) => LeaseRows.SetExpiry(connection, transaction, lease, now, free: true));
    }

    public Task<IReadOnlyList<LeaseRecord>> ReadLeases(string projection, CancellationToken cancellationToken)
    {
        EnsureInitialized();
        return Task.FromResult(_database.Run(connection => LeaseRows.ReadAll(connection, projection)));
    }

    private Task<T> InLeaseTransaction<T>(Func<Microsoft.Data.Sqlite.SqliteConnection, Microsoft.Data.Sqlite.SqliteTransaction, T> work)
    {
        EnsureInitialized();
        return Task.FromResult(_database.Run(connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            var result = work(connection, transaction);
            transaction.Commit();
            return result;
        }));
    }
}
