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
    /// <summary>At most this many documents per store write; a larger flush is written in several chunks before its checkpoint.</summary>
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
    /// <summary>When caught up and no events arrive, stream time follows the wall clock so timeouts still fire.</summary>
    public bool WallClockAdvancesIdleStreamTime { get; init; } = true;
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
}
