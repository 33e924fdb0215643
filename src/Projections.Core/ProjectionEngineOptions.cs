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
}
