namespace Projections.Core;

internal static class ProjectionEngineOptionsValidation
{
    /// <summary>Throws one error naming the first option that is out of range.</summary>
    public static void Validate(ProjectionEngineOptions o)
    {
        Positive(o.Partitions, nameof(o.Partitions));
        Positive(o.PartitionQueueCapacity, nameof(o.PartitionQueueCapacity));
        Positive(o.MaxBatchSize, nameof(o.MaxBatchSize));
        Positive(o.MaxUnflushedEvents, nameof(o.MaxUnflushedEvents));
        Positive(o.MaxUnflushedBytes, nameof(o.MaxUnflushedBytes));
        if (o.MaxLiveAggregates is { } max) Positive(max, nameof(o.MaxLiveAggregates));
        if (o.MemoryBudget is { } budget) Positive(budget, nameof(o.MemoryBudget));
        if (o.RecentEventsPerAggregate < 0) Fail(nameof(o.RecentEventsPerAggregate), o.RecentEventsPerAggregate, "must not be negative");
        Positive(o.MaxFlushInterval, nameof(o.MaxFlushInterval));
        Positive(o.IdleTickInterval, nameof(o.IdleTickInterval));
        Positive(o.AllowedLateness, nameof(o.AllowedLateness));
        Positive(o.HeadRefreshInterval, nameof(o.HeadRefreshInterval));
        Positive(o.RetryDelay, nameof(o.RetryDelay));
        if (o.MaxRetryDelay < o.RetryDelay) Fail(nameof(o.MaxRetryDelay), o.MaxRetryDelay, $"must be at least RetryDelay ({o.RetryDelay})");
        Positive(o.LeaseRenewInterval, nameof(o.LeaseRenewInterval));
        // Two renewals must fit in one time-to-live, or one slow renewal would lose the lease.
        if (o.LeaseTimeToLive < 2 * o.LeaseRenewInterval) Fail(nameof(o.LeaseTimeToLive), o.LeaseTimeToLive, $"must be at least twice LeaseRenewInterval ({o.LeaseRenewInterval})");
        if (o.HostId is { } id && string.IsNullOrWhiteSpace(id)) Fail(nameof(o.HostId), "(blank)", "must not be blank");
        Shards(o.Shards, nameof(o.Shards));
        foreach (var (projection, shards) in o.ShardsByProjection) Shards(shards, $"{nameof(o.ShardsByProjection)}[{projection}]");
    }

    private static void Shards(int value, string name)
    {
        if (value is < 1 or > ProjectionEngineOptions.MaxShards) Fail(name, value, $"must be between 1 and {ProjectionEngineOptions.MaxShards}");
    }

    private static void Positive(long value, string name)
    {
        if (value <= 0) Fail(name, value, "must be positive");
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero) Fail(name, value, "must be positive");
    }

    private static void Fail(string name, object value, string rule) =>
        throw new ArgumentException($"Projection engine option {name} is {value}; it {rule}.", name);
}
