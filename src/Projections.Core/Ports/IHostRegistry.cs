namespace Projections.Core.Ports;

/// <summary>
/// The hosts that share a store, recorded beside the leases (design.md "Several hosts"): each running host
/// sends a heartbeat every lease renew interval, so an operator sees which hosts are up and which of them
/// writes each projection ("host B is writing, host A is a standby"). Purely informational: who may write
/// is decided by the leases alone. Times are the store's clock, like lease expiry.
/// </summary>
public interface IHostRegistry
{
    /// <summary>
    /// Records <paramref name="host"/> as alive until <paramref name="timeToLive"/> from now (its first
    /// heartbeat also sets when it started), and forgets hosts that have been gone longer than
    /// <paramref name="forgetGoneAfter"/>, so hosts replaced by restarts do not pile up.
    /// </summary>
    Task Heartbeat(HostBeat host, TimeSpan timeToLive, TimeSpan forgetGoneAfter, CancellationToken cancellationToken);

    /// <summary>Marks the host gone at once (clean stop); its record stays until it is forgotten.</summary>
    Task SignOff(string hostId, CancellationToken cancellationToken);

    /// <summary>Every recorded host in the order they started, each with the unexpired leases it holds (none for a standby).</summary>
    Task<IReadOnlyList<HostRecord>> ReadHosts(CancellationToken cancellationToken);
}

/// <summary>What a host says about itself: its lease owner id and where its HTTP API listens (null without one).</summary>
public sealed record HostBeat(string Id, string? Address);

/// <summary>
/// A host as recorded. <see cref="Alive"/> is false once its heartbeat ran out (crash, freeze, network cut)
/// or it signed off; <see cref="Holds"/> are the unexpired leases the store names it the owner of.
/// </summary>
public sealed record HostRecord(string Id, string? Address, DateTimeOffset StartedAt, DateTimeOffset LastHeartbeat, bool Alive, IReadOnlyList<LeaseKey> Holds)
{
    /// <summary>Alive and holding no lease: ready to take over.</summary>
    public bool Standby => Alive && Holds.Count == 0;
}
