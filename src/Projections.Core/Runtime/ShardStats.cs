using Projections.Core.Events;

namespace Projections.Core.Runtime;

/// <summary>The figures of the shards a host serves, as one projection's: counts add up, progress is the slowest shard's.</summary>
internal static class ShardStats
{
    public static ProjectionStats? Combine(IReadOnlyList<ProjectionStats> shards)
    {
        if (shards.Count <= 1) return shards.Count == 1 ? shards[0] : null;
        var slowest = shards.OrderBy(s => s.Processed ?? GlobalPosition.Start).First();
        return slowest with
        {
            Checkpoint = shards.Any(s => s.Checkpoint is null) ? null : shards.Min(s => s.Checkpoint),
            Head = shards.Max(s => s.Head),
            LagPositions = shards.Max(s => s.LagPositions),
            LagSeconds = shards.Max(s => s.LagSeconds),
            EventsProcessed = shards.Sum(s => s.EventsProcessed),
            EventsPerSecond = shards.Sum(s => s.EventsPerSecond),
            Flushes = shards.Sum(s => s.Flushes),
            LastFlushDocuments = shards.Sum(s => s.LastFlushDocuments),
            DocumentsFlushed = shards.Sum(s => s.DocumentsFlushed),
            LastFlushAt = shards.Max(s => s.LastFlushAt),
            DirtyAggregates = shards.Sum(s => s.DirtyAggregates),
            LiveAggregates = shards.Sum(s => s.LiveAggregates),
            EstimatedLiveBytes = shards.Sum(s => s.EstimatedLiveBytes),
            RetiredAggregates = shards.Sum(s => s.RetiredAggregates),
            TimersInMemory = shards.Sum(s => s.TimersInMemory),
            // Each shard counts the generation's dead letters at its start, then its own: the largest is the closest.
            ParkedEvents = shards.Max(s => s.ParkedEvents),
            UnflushedEvents = shards.Sum(s => s.UnflushedEvents),
            Outage = shards.Select(s => s.Outage).FirstOrDefault(o => o is not null),
        };
    }
}
