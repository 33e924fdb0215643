using Projections.Hosting.Settings;
using Projections.Core.Runtime;
using Projections.Hosting.Reconciliation;

namespace Projections.Hosting.Web;

/// <summary>A projection's state and progress as the API returns it. <see cref="Finishes"/>: it declares when an aggregate is finished (RetireWhen).</summary>
internal sealed record ProjectionSummary(
    string Name,
    string Status,
    string? Error,
    IReadOnlyList<string> Fields,
    bool Finishes,
    int Generation,
    string? Checkpoint,
    string? Processed,
    string? Head,
    ulong LagEvents,
    double LagSeconds,
    long EventsProcessed,
    double EventsPerSecond,
    long Flushes,
    int LastFlushDocuments,
    double LastFlushMilliseconds,
    DateTimeOffset? LastFlushAt,
    int DirtyAggregates,
    long LiveAggregates,
    long ParkedEvents,
    DateTimeOffset? StreamTime,
    double? WallClockLeadSeconds,
    string StreamTimeAdvance,
    long UnflushedEvents,
    RebuildSummary? Rebuild,
    PoisonSummary? StoppedOn,
    IReadOnlyList<OwnedShardSummary> OwnedShards,
    ReconciliationSummary? Reconciliation,
    IReadOnlyList<ShardSummary> Shards)
{
    public static ProjectionSummary From(IProjectionRuntime runtime, ReconciliationReports? reports)
    {
        var stats = runtime.GetStats();
        return new ProjectionSummary(
            runtime.Name,
            Json.CamelCase(runtime.Status.ToString()),
            runtime.Status == ProjectionStatus.Stopped ? SecretRedactor.Redact(runtime.Error?.Message) : null,
            runtime.Projection.Fields.Select(f => f.Name).ToArray(),
            runtime.Projection.Retirement is not null,
            stats.Generation,
            stats.Checkpoint?.ToString(),
            stats.Processed?.ToString(),
            stats.Head?.ToString(),
            stats.LagPositions,
            stats.LagSeconds,
            stats.EventsProcessed,
            stats.EventsPerSecond,
            stats.Flushes,
            stats.LastFlushDocuments,
            stats.LastFlushDuration.TotalMilliseconds,
            stats.LastFlushAt,
            stats.DirtyAggregates,
            stats.LiveAggregates,
            stats.ParkedEvents,
            stats.StreamTime,
            stats.WallClockLead?.TotalSeconds,
            Json.CamelCase(stats.StreamTimeAdvance.ToString()),
            stats.UnflushedEvents,
            runtime.Rebuild is { } rebuild ? RebuildSummary.From(rebuild) : null,
            PoisonSummary.From(runtime),
            runtime.HeldLeases.Select(l => new OwnedShardSummary(l.Key.Generation, l.Key.Shard, l.Epoch, l.Owner)).ToArray(),
            reports is { Enabled: true } ? ReconciliationSummary.From(reports.Find(runtime.Name)) : null,
            runtime.Shards.Select(ShardSummary.From).ToArray());
    }
}

/// <summary>The background reconciliation of a projection (null when it is off): totals since start and the last round.</summary>
internal sealed record ReconciliationSummary(long Rounds, long Checked, long Mismatches, DateTimeOffset? LastRoundAt, int LastChecked, int LastInFlight,
    IReadOnlyList<string> LastMismatchedKeys)
{
    public static ReconciliationSummary From(ReconciliationReport? report) => report is null
        ? new ReconciliationSummary(0, 0, 0, null, 0, 0, [])
        : new ReconciliationSummary(report.Rounds, report.Checked, report.Mismatches, report.LastRoundAt, report.LastChecked, report.LastInFlight, report.LastMismatchedKeys);
}

/// <summary>
/// One shard of a sharded projection (none while it has one shard): its writer, where that host answers, epoch, status
/// (live, catchingUp, starting, stopped here; elsewhere; unowned), checkpoint, lag, and when this host saw its checkpoint move.
/// </summary>
public sealed record ShardSummary(int Shard, string? Owner, string? OwnerAddress, bool Here, long Epoch, string Status, string? Checkpoint, ulong? LagEvents,
    DateTimeOffset? CheckpointMovedAt)
{
    /// <summary>The shard as the projection's last lease round saw it.</summary>
    public static ShardSummary From(ShardView shard) =>
        new(shard.Shard, shard.Owner, shard.OwnerAddress, shard.Here, shard.Epoch, Json.CamelCase(shard.Status.ToString()), shard.Checkpoint?.ToString(),
            shard.LagPositions, shard.CheckpointMovedAt);
}

/// <summary>A shard this host writes: a standby owns none (its live requests answer from the store).</summary>
public sealed record OwnedShardSummary(int Generation, int Shard, long Epoch, string Owner);

/// <summary>
/// A running rebuild: how far the new generation is, against the head when it started. A <see cref="Preview"/>
/// is not switched to when it caught up (<see cref="CaughtUp"/>): it waits for diff, switch or discard.
/// </summary>
internal sealed record RebuildSummary(
    int Generation,
    string? Processed,
    string Target,
    double Percent,
    DateTimeOffset StartedAt,
    double EventsPerSecond,
    double? EstimatedRemainingSeconds,
    bool Preview,
    bool CaughtUp)
{
    public static RebuildSummary From(RebuildProgress progress)
    {
        var target = progress.Target.Commit;
        var done = progress.Processed?.Commit ?? 0;
        var percent = target == 0 ? 100 : Math.Min(100, 100.0 * done / target);
        return new RebuildSummary(
            progress.Generation,
            progress.Processed?.ToString(),
            progress.Target.ToString(),
            Math.Round(percent, 1),
            progress.StartedAt,
            progress.EventsPerSecond,
            progress.EstimatedRemaining?.TotalSeconds,
            progress.Preview,
            progress.CaughtUp);
    }
}
