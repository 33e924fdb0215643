namespace Projections.Core.Ports;

/// <summary>
/// Leases that make one host the only writer of a projection shard (design.md "Several hosts").
/// A lease has a time-to-live and a fencing <see cref="Lease.Epoch"/> that grows whenever the owner
/// changes (or the lease is revoked) and is persisted, so it never repeats. A batch that carries a
/// <see cref="ProjectionBatch.Fence"/> is written only while that epoch is still the lease's epoch,
/// checked in the same transaction (or by a guarded write); otherwise the store throws <see cref="LeaseLostException"/>.
/// Expiry is measured by the store's clock where it has one, so clock skew between hosts does not matter.
/// </summary>
public interface ILeaseStore
{
    /// <summary>
    /// Takes the lease when it is free, expired, or already held by <paramref name="owner"/> (then only
    /// extends it, keeping its epoch). Returns null while another owner holds it.
    /// </summary>
    Task<Lease?> TryAcquire(LeaseKey key, string owner, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>Extends a held lease. False when it was lost: taken by another owner after it expired, or revoked.</summary>
    Task<bool> Renew(Lease lease, TimeSpan timeToLive, CancellationToken cancellationToken);

    /// <summary>Frees a held lease at once (clean stop); does nothing when it is no longer held by this lease's owner and epoch.</summary>
    Task Release(Lease lease, CancellationToken cancellationToken);

    /// <summary>Every lease of a projection, for status pages.</summary>
    Task<IReadOnlyList<LeaseRecord>> ReadLeases(string projection, CancellationToken cancellationToken);
}

/// <summary>What a lease covers: one shard of one generation of one projection.</summary>
public sealed record LeaseKey(string Projection, int Generation, int Shard)
{
    public override string ToString() => $"{Projection} generation {Generation} shard {Shard}";
}

/// <summary>A held lease: the fencing token every write of its shard carries.</summary>
public sealed record Lease(LeaseKey Key, string Owner, long Epoch);

/// <summary>A lease as stored: <see cref="Owner"/> is null when free (released or revoked).</summary>
public sealed record LeaseRecord(LeaseKey Key, string? Owner, long Epoch, DateTimeOffset ExpiresAt);

/// <summary>The store refused a fenced write: the writer's lease epoch is no longer the lease's epoch. Retrying cannot help; the writer stops that shard.</summary>
public sealed class LeaseLostException(LeaseKey key, long epoch, string message) : Exception(message)
{
    public LeaseKey Key { get; } = key;
    public long Epoch { get; } = epoch;

    public static LeaseLostException For(Lease fence, long? currentEpoch, string? currentOwner) => new(fence.Key, fence.Epoch,
        $"Lease on {fence.Key} was lost: this writer ({fence.Owner}) holds epoch {fence.Epoch}, the store has " +
        (currentEpoch is { } e ? $"epoch {e} ({currentOwner ?? "free"})" : "no such lease") + "; nothing was written.");
}
