using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Projections;

namespace Projections.Core.Runtime;

/// <summary>One running projection: its status, statistics and live in-memory state. Thread-safe.</summary>
public interface IProjectionRuntime
{
    string Name { get; }
    IProjection Projection { get; }
    ProjectionStatus Status { get; }
    /// <summary>Why the projection stopped, when it stopped on an error.</summary>
    Exception? Error { get; }
    /// <summary>Set while a rebuild builds a new generation beside the active one.</summary>
    RebuildProgress? Rebuild { get; }
    /// <summary>The leases (generation, shard, epoch) under which this host writes the projection; empty on a standby.</summary>
    IReadOnlyList<Lease> HeldLeases => [];
    /// <summary>
    /// Every shard of the active generation as the last lease round saw it (owner, epoch, checkpoint); empty while the
    /// projection has one shard. Refreshed every lease renew interval, so up to one interval old.
    /// </summary>
    IReadOnlyList<ShardView> Shards => [];

    /// <summary>The shard <paramref name="key"/> falls in, as <see cref="Shards"/> shows it; null while the projection has one shard.</summary>
    ShardView? ShardOf(string key) => null;
    ProjectionStats GetStats();

    /// <summary>The aggregate's current in-memory state, without waiting for a flush. Null when not in memory.</summary>
    LiveEntity? GetLive(string key);
    /// <summary>Live aggregates matching the query, in key order.</summary>
    EntityPage Query(EntityQuery query);
    /// <summary>The aggregate as persisted in the active generation.</summary>
    Task<StoredDocument?> LoadPersisted(string key, CancellationToken cancellationToken);
    Task<IReadOnlyList<DeadLetter>> ReadDeadLetters(int skip, int take, CancellationToken cancellationToken);

    /// <summary>Calls <paramref name="onChange"/> (on an engine thread: keep it short) when the aggregate <paramref name="key"/> changes, or any aggregate when null.</summary>
    IDisposable SubscribeChanges(string? key, Action<EntityChange> onChange);

    /// <summary>
    /// For a projection stopped on a poison event or timer: parks it as a dead letter (written with the
    /// checkpoint that passes it) and restarts the projection after it. Returns what was parked.
    /// </summary>
    Task<string> ParkAndContinue(string actor, GlobalPosition? expectedPosition, CancellationToken cancellationToken);

    /// <summary>Completes when the persisted checkpoint is at or past <paramref name="position"/>; throws if the projection stops first.</summary>
    Task WaitForCheckpoint(GlobalPosition position, CancellationToken cancellationToken);
}

/// <summary>
/// One shard of the active generation: who writes it (null when nobody holds an unexpired lease), under which epoch,
/// where that host's API listens (from the host registry), whether it is this host, and how far its checkpoint is
/// (the lag against the head this host last read; null while the head cannot be read).
/// </summary>
public sealed record ShardView(int Shard, string? Owner, string? OwnerAddress, long Epoch, bool Here, GlobalPosition? Checkpoint, ulong? LagPositions)
{
    /// <summary>Its pipeline's status when this host writes it; otherwise whether another host does.</summary>
    public ShardStatus Status { get; init; }

    /// <summary>When a lease round of this host last saw the checkpoint move (this host's clock); null until it has seen it move.</summary>
    public DateTimeOffset? CheckpointMovedAt { get; init; }
}

/// <summary>A shard as one host sees it: the status of its pipeline here, or who else writes it.</summary>
public enum ShardStatus
{
    /// <summary>Leased here, loading or about to.</summary>
    Starting,
    CatchingUp,
    Live,
    /// <summary>Stopped here on an error (the projection's error says which).</summary>
    Stopped,
    /// <summary>Another host holds its lease and writes it.</summary>
    Elsewhere,
    /// <summary>Nobody holds an unexpired lease: its writer stopped or died, and a host takes it at its next lease round.</summary>
    Unowned,
}

/// <summary>Progress of a rebuild: the new generation's position against the head when it started.</summary>
public sealed record RebuildProgress(int Generation, GlobalPosition? Processed, GlobalPosition Target, DateTimeOffset StartedAt, double EventsPerSecond, TimeSpan? EstimatedRemaining)
{
    /// <summary>A preview (<c>--rebuild --preview</c>): it keeps following once caught up and waits for a switch or a discard.</summary>
    public bool Preview { get; init; }

    /// <summary>The preview reached the head it started against and flushed: it can be diffed and switched to.</summary>
    public bool CaughtUp { get; init; }
}
