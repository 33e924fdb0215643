using Projections.Core.Projections;

namespace Projections.Core;

/// <summary>Tuning of the engine; the defaults suit a 2-core machine with a local store.</summary>
public sealed record ProjectionEngineOptions
{
    /// <summary>Partition workers per projection; defaults to the processor count.</summary>
    public int Partitions { get; init; } = Environment.ProcessorCount;
    /// <summary>Capacity of each partition's inbound channel (events).</summary>
    public int PartitionQueueCapacity { get; init; } = 4096;
    /// <summary>A flush starts as soon as the previous one ended and something is dirty; this caps how long a dirty aggregate may wait.</summary>
    public TimeSpan MaxFlushInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>At most this many documents per store write (a write also ends at 1 MiB of serialized state); a larger flush is written in several chunks before its checkpoint.</summary>
    public int MaxBatchSize { get; init; } = 5000;
    /// <summary>The reader pauses while this many applied events are not yet persisted.</summary>
    public long MaxUnflushedEvents { get; init; } = 200_000;
    /// <summary>The reader pauses while the unflushed events' payloads exceed this many bytes.</summary>
    public long MaxUnflushedBytes { get; init; } = 256L * 1024 * 1024;
    /// <summary>Cap on aggregates kept in memory per projection; null = no cap. Only persisted aggregates are evicted.</summary>
    public int? MaxLiveAggregates { get; init; }
    /// <summary>
    /// Bound on the estimated bytes of aggregates kept in memory per projection: each counts its state's
    /// serialized size at its last flush plus <see cref="Pipeline.MemoryEstimate.EngineOverheadPerAggregate"/>.
    /// Over it, clean persisted aggregates are evicted, least recently used first. Defaults to a quarter of
    /// the memory available to the process (<see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>); null = no budget.
    /// </summary>
    public long? MemoryBudget { get; init; } = Pipeline.MemoryEstimate.DefaultBudget();
    /// <summary>
    /// When the source is connected, caught up and idle, and its events are current, stream time follows the
    /// wall clock (up to now minus <see cref="AllowedLateness"/>) so timeouts still fire in a quiet period.
    /// </summary>
    public bool WallClockAdvancesIdleStreamTime { get; init; } = true;
    /// <summary>
    /// How far behind the wall clock an event's time may be and still count as current. The wall clock moves
    /// stream time only while the latest event time was within this of the wall clock when the last event
    /// arrived, and never past now minus this; an event later than this may see its timers fire first.
    /// </summary>
    public TimeSpan AllowedLateness { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>How often the wall clock advances stream time while caught up and idle.</summary>
    public TimeSpan IdleTickInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How many applied events each aggregate remembers for the detail view (0 saves memory).</summary>
    public int RecentEventsPerAggregate { get; init; } = 5;
    /// <summary>Load persisted documents into memory at start so the live view is complete after a restart.</summary>
    public bool WarmStart { get; init; } = true;
    /// <summary>How often the head position is re-read for lag figures.</summary>
    public TimeSpan HeadRefreshInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>First retry delay after a transient store failure; doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>The operator's override of every projection's <see cref="IProjection.PoisonPolicy"/>; null keeps each projection's own.</summary>
    public PoisonEventPolicy? OnPoison { get; init; }
    /// <summary>Per-projection overrides by projection name; they win over <see cref="OnPoison"/>.</summary>
    public IReadOnlyDictionary<string, PoisonEventPolicy> OnPoisonByProjection { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, PoisonEventPolicy>.Empty;

    /// <summary>The policy in force for <paramref name="projection"/>: its override, else <see cref="OnPoison"/>, else its own.</summary>
    public PoisonEventPolicy PoisonPolicyOf(IProjection projection) =>
        OnPoisonByProjection.TryGetValue(projection.Name, out var own) ? own : OnPoison ?? projection.PoisonPolicy;

    /// <summary>
    /// This engine's name in the store's leases; unique per engine by default (machine, process, random).
    /// Two engines must never share it: an owner re-acquiring its own lease keeps the epoch.
    /// </summary>
    public string? HostId { get; init; }
    /// <summary>
    /// How long a lease lasts without renewal: a standby takes over this long after the holder stopped renewing
    /// (design.md "Several hosts", Timing: why 5 s).
    /// </summary>
    public TimeSpan LeaseTimeToLive { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How often the holder renews its leases and a standby tries to take over; a tenth of <see cref="LeaseTimeToLive"/> by default.</summary>
    public TimeSpan LeaseRenewInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How many shards each projection's keys are split into, so that several hosts share its work and memory (design.md
    /// "Shards"). Fixed for a generation: a projection built with another count needs a rebuild to change it.
    /// </summary>
    public int Shards { get; init; } = 1;
    /// <summary>Per-projection shard counts by projection name; they win over <see cref="Shards"/>.</summary>
    public IReadOnlyDictionary<string, int> ShardsByProjection { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, int>.Empty;

    /// <summary>The shard count for new generations of <paramref name="projection"/>: its own, else <see cref="Shards"/>.</summary>
    public int ShardsOf(IProjection projection) => ShardsByProjection.TryGetValue(projection.Name, out var own) ? own : Shards;

    /// <summary>The most shards a projection may have: each shard reads the whole filtered stream.</summary>
    public const int MaxShards = 64;
}
