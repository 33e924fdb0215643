using Projections.Core.Events;

namespace Projections.Core.Runtime;

/// <summary>A point-in-time view of one projection's progress, cheap to take.</summary>
public sealed record ProjectionStats
{
    public required int Generation { get; init; }
    /// <summary>Last position persisted with its documents (the checkpoint).</summary>
    public required GlobalPosition? Checkpoint { get; init; }
    /// <summary>Last position the reader has handed to the partitions.</summary>
    public required GlobalPosition? Processed { get; init; }
    /// <summary>The event store's head as last read.</summary>
    public required GlobalPosition? Head { get; init; }
    /// <summary>Head minus processed, in the source's position units (events for SQLite, bytes for EventStoreDB).</summary>
    public required ulong LagPositions { get; init; }
    /// <summary>Seconds between now and the recorded time of the last processed event while behind; 0 when live and idle.</summary>
    public required double LagSeconds { get; init; }
    public required long EventsProcessed { get; init; }
    public required double EventsPerSecond { get; init; }
    public required long Flushes { get; init; }
    public required int LastFlushDocuments { get; init; }
    /// <summary>Documents written by every flush of this generation since start (with <see cref="Flushes"/>: the mean flush size over an interval).</summary>
    public long DocumentsFlushed { get; init; }
    public required TimeSpan LastFlushDuration { get; init; }
    public required DateTimeOffset? LastFlushAt { get; init; }
    public required int DirtyAggregates { get; init; }
    public required long LiveAggregates { get; init; }
    /// <summary>Estimated bytes of the aggregates in memory, as the memory budget counts them.</summary>
    public long EstimatedLiveBytes { get; init; }
    /// <summary>Finished aggregates that left memory since start (RetireWhen); they stay in the store.</summary>
    public long RetiredAggregates { get; init; }
    /// <summary>Timers held in memory (aggregates in memory with a deadline, and stored ones paged in as they come due).</summary>
    public long TimersInMemory { get; init; }
    public required long ParkedEvents { get; init; }
    /// <summary>The time timers are compared with: the latest event time, or what the idle wall clock moved it to.</summary>
    public required DateTimeOffset? StreamTime { get; init; }
    /// <summary>How far the wall clock is ahead of stream time (null before any stream time).</summary>
    public TimeSpan? WallClockLead { get; init; }
    /// <summary>Whether the wall clock moves stream time, and if not why.</summary>
    public StreamTimeAdvance StreamTimeAdvance { get; init; } = StreamTimeAdvance.CatchingUp;
    /// <summary>Events applied but not yet persisted (the window the reader pauses on).</summary>
    public required long UnflushedEvents { get; init; }
    /// <summary>What the projection is waiting for (the store or the event source failing transiently), or null.</summary>
    public OutageInfo? Outage { get; init; }

    /// <summary>The figures of a projection that is still starting (nothing loaded or read yet).</summary>
    public static readonly ProjectionStats NotStarted = new()
    {
        Generation = 0, Checkpoint = null, Processed = null, Head = null, LagPositions = 0, LagSeconds = 0,
        EventsProcessed = 0, EventsPerSecond = 0, Flushes = 0, LastFlushDocuments = 0, LastFlushDuration = TimeSpan.Zero,
        LastFlushAt = null, DirtyAggregates = 0, LiveAggregates = 0, ParkedEvents = 0, StreamTime = null, UnflushedEvents = 0,
    };
}
