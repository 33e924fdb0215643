using Projections.Core.Ports;

namespace Projections.Core.InMemory;

/// <summary>The host registry in memory, with the same rules as the durable stores (see <see cref="IHostRegistry"/>).</summary>
public sealed partial class InMemoryProjectionStore : IHostRegistry
{
    private readonly Dictionary<string, HostRow> _hosts = new(StringComparer.Ordinal);

    private sealed record HostRow(string? Address, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, DateTimeOffset ExpiresAt);

    public Task Heartbeat(HostBeat host, TimeSpan timeToLive, TimeSpan forgetGoneAfter, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host.Id);
        lock (_sync)
        {
            var now = _clock.GetUtcNow();
            foreach (var gone in _hosts.Where(h => h.Value.ExpiresAt < now - forgetGoneAfter).Select(h => h.Key).ToArray()) _hosts.Remove(gone);
            var started = _hosts.GetValueOrDefault(host.Id)?.StartedAt ?? now;
            _hosts[host.Id] = new HostRow(host.Address, started, now, now + timeToLive);
        }
        return Task.CompletedTask;
    }

    public Task SignOff(string hostId, CancellationToken cancellationToken)
    {
        lock (_sync)
            if (_hosts.GetValueOrDefault(hostId) is { } row) _hosts[hostId] = row with { ExpiresAt = row.ExpiresAt < _clock.GetUtcNow() ? row.ExpiresAt : _clock.GetUtcNow() };
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<HostRecord>> ReadHosts(CancellationToken cancellationToken)
    {
        lock (_sync)
        {
            var now = _clock.GetUtcNow();
            var held = _leases.Values.Where(l => l.Owner is not null && l.ExpiresAt > now).ToLookup(l => l.Owner!, l => l.Key);
            return Task.FromResult<IReadOnlyList<HostRecord>>(_hosts.OrderBy(h => h.Value.StartedAt).ThenBy(h => h.Key, StringComparer.Ordinal)
                .Select(h => new HostRecord(h.Key, h.Value.Address, h.Value.StartedAt, h.Value.HeartbeatAt, h.Value.ExpiresAt > now, Ordered(held[h.Key])))
                .ToArray());
        }
    }

    private static LeaseKey[] Ordered(IEnumerable<LeaseKey> keys) =>
        keys.OrderBy(k => k.Projection, StringComparer.Ordinal).ThenBy(k => k.Generation).ThenBy(k => k.Shard).ToArray();
}
