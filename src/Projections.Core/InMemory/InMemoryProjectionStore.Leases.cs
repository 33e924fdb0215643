using Projections.Core.Ports;

namespace Projections.Core.InMemory;

/// <summary>Leases in memory, with the same rules as the durable stores (see <see cref="ILeaseStore"/>).</summary>
public sealed partial class InMemoryProjectionStore
{
    private readonly Dictionary<LeaseKey, LeaseRecord> _leases = [];

    public Task<Lease?> TryAcquire(LeaseKey key, string owner, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var now = _clock.GetUtcNow();
            var current = _leases.GetValueOrDefault(key);
            if (current is { Owner: { } holder } && holder != owner && current.ExpiresAt > now) return Task.FromResult<Lease?>(null);
            var epoch = current is null ? 1 : current.Owner == owner ? current.Epoch : current.Epoch + 1;
            _leases[key] = new LeaseRecord(key, owner, epoch, now + timeToLive);
            return Task.FromResult<Lease?>(new Lease(key, owner, epoch));
        }
    }

    public Task<bool> Renew(Lease lease, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            if (!Holds(lease)) return Task.FromResult(false);
            _leases[lease.Key] = new LeaseRecord(lease.Key, lease.Owner, lease.Epoch, _clock.GetUtcNow() + timeToLive);
            return Task.FromResult(true);
        }
    }

    public Task Release(Lease lease, CancellationToken cancellationToken)
    {
        lock (_sync)
            if (Holds(lease)) _leases[lease.Key] = new LeaseRecord(lease.Key, null, lease.Epoch, _clock.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<LeaseRecord>> ReadLeases(string projection, CancellationToken cancellationToken)
    {
        lock (_sync)
            return Task.FromResult<IReadOnlyList<LeaseRecord>>(_leases.Values.Where(l => l.Key.Projection == projection)
                .OrderBy(l => l.Key.Generation).ThenBy(l => l.Key.Shard).ToArray());
    }

    private bool Holds(Lease lease) =>
        _leases.GetValueOrDefault(lease.Key) is { } current && current.Owner == lease.Owner && current.Epoch == lease.Epoch;

    private void CheckFence(Lease fence)
    {
        if (!Holds(fence))
        {
            var current = _leases.GetValueOrDefault(fence.Key);
            throw LeaseLostException.For(fence, current?.Epoch, current?.Owner);
        }
    }

    private void RevokeLeases(string projection, int generation)
    {
        var now = _clock.GetUtcNow();
        foreach (var lease in _leases.Values.Where(l => l.Key.Projection == projection && l.Key.Generation == generation).ToArray())
            _leases[lease.Key] = lease with { Owner = null, Epoch = lease.Epoch + 1, ExpiresAt = now };
    }
}
