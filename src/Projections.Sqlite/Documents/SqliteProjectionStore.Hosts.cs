using Projections.Core.Ports;

namespace Projections.Sqlite.Documents;

/// <summary>The host registry in the projection file, beside the leases (see <see cref="IHostRegistry"/>).</summary>
public sealed partial class SqliteProjectionStore : IHostRegistry
{
    public Task Heartbeat(HostBeat host, TimeSpan timeToLive, TimeSpan forgetGoneAfter, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host.Id);
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        return InLeaseTransaction((connection, transaction) =>
        {
            HostRows.Heartbeat(connection, transaction, host, now, now + (long)timeToLive.TotalMilliseconds, now - (long)forgetGoneAfter.TotalMilliseconds);
            return true;
        });
    }

    public Task SignOff(string hostId, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        return InLeaseTransaction((connection, transaction) =>
        {
            HostRows.SignOff(connection, transaction, hostId, now);
            return true;
        });
    }

    public Task<IReadOnlyList<HostRecord>> ReadHosts(CancellationToken cancellationToken)
    {
        EnsureInitialized();
        var now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        return Task.FromResult(_database.Run(connection => HostRows.ReadAll(connection, now)));
    }
}
