using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Projections.Core.Pipeline;
using Projections.Core.Runtime;

namespace Projections.Core.Metrics;

/// <summary>
/// The engine's instruments (System.Diagnostics.Metrics), tagged with "projection", "generation" and "shard" (0 when the
/// projection has one shard). A shard is reported only by the host that writes it, so summing a counter over shards and
/// hosts gives the projection's figure; progress gauges (lag, checkpoint, stream time) are per shard, to take the max or min of.
/// The generation's dead letters are the one figure without a shard. Subscribe to <see cref="MeterName"/>
/// (OpenTelemetry: <c>AddMeter(ProjectionMetrics.MeterName)</c>); README "Metrics" lists them.
/// </summary>
public static class ProjectionMetrics
{
    public const string MeterName = "Projections";

    private static readonly Meter Meter = new(MeterName);
    private static readonly ConcurrentDictionary<GenerationPipeline, byte> Pipelines = new();

    private static readonly Histogram<int> FlushSize = Meter.CreateHistogram<int>(
        "projections.flush.size", "{aggregate}", "Aggregates written per flush.");
    private static readonly Histogram<double> FlushDuration = Meter.CreateHistogram<double>(
        "projections.flush.duration", "s", "Time to write one flush (documents and checkpoint).");
    // Seconds from 1 ms up to past the default time-to-live: the slowest renewal against the TTL is the lease's safety margin.
    private static readonly Histogram<double> LeaseRenewDuration = Meter.CreateHistogram<double>(
        "projections.lease.renew.duration", "s", "Time to renew one lease in the store.", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    private static readonly Counter<long> ReconciliationChecked = Meter.CreateCounter<long>(
        "projections.reconciliation.checked", "{aggregate}", "Aggregates the background reconciliation compared with the reference fold of their events.");
    private static readonly Counter<long> ReconciliationMismatches = Meter.CreateCounter<long>(
        "projections.reconciliation.mismatches", "{aggregate}", "Aggregates whose stored document differed from the reference fold of their events (confirmed by a second check).");
    private static readonly Counter<long> OwnerChanges = Meter.CreateCounter<long>(
        "projections.lease.owner_changes", "{change}", "Leases this host took (change=acquired) or gave up (change=released, lost).");

    static ProjectionMetrics()
    {
        Meter.CreateObservableCounter("projections.events.processed", () => Observe(p => Interlocked.Read(ref p.EventsProcessed)), "{event}",
            "Events applied; an event applied by several shards (fan-out) counts in the shard of its first key.");
        Meter.CreateObservableGauge("projections.checkpoint.position", ObserveCheckpoints, "{position}",
            "The shard's last checkpoint (commit position): every event of the shard up to it is persisted.");
        Meter.CreateObservableGauge("projections.lag.positions", () => Observe(p => (long)p.GetStats().LagPositions), "{position}",
            "Head position minus processed position.");
        Meter.CreateObservableGauge("projections.lag.seconds", () => Observe(p => p.GetStats().LagSeconds), "s",
            "Age of the last processed event while behind.");
        Meter.CreateObservableGauge("projections.aggregates.dirty", () => Observe(p => p.DirtyCount()), "{aggregate}",
            "Aggregates changed since the last barrier.");
        Meter.CreateObservableGauge("projections.aggregates.live", () => Observe(p => p.LiveCount()), "{aggregate}",
            "Aggregates held in memory.");
        Meter.CreateObservableGauge("projections.events.parked", ObserveParked, "{event}",
            "Events parked as dead letters in the generation (no shard tag: dead letters are kept per generation; the same on every host writing it).");
        Meter.CreateObservableGauge("projections.events.unflushed", () => Observe(p => p.Reader.UnflushedEvents), "{event}",
            "Events applied but not yet persisted.");
        Meter.CreateObservableGauge("projections.stream_time.lead", () => Observe(p => p.GetStats().WallClockLead?.TotalSeconds ?? 0), "s",
            "How far the wall clock is ahead of stream time.");
        Meter.CreateObservableGauge("projections.stream_time.wall_clock_advance", ObserveWallClockAdvance, "{state}",
            "1 while the wall clock moves stream time, else 0; the reason tag says why (design.md \"Stream time and timers\").");
    }

    internal static void Register(GenerationPipeline pipeline) => Pipelines.TryAdd(pipeline, 0);

    internal static void Unregister(GenerationPipeline pipeline) => Pipelines.TryRemove(pipeline, out _);

    internal static void RecordFlush(GenerationPipeline pipeline, int documents, TimeSpan duration)
    {
        if (!FlushSize.Enabled && !FlushDuration.Enabled) return;
        var tags = Tags(pipeline);
        FlushSize.Record(documents, tags);
        FlushDuration.Record(duration.TotalSeconds, tags);
    }

    internal static void RecordRenew(string projection, int generation, int shard, TimeSpan duration)
    {
        if (LeaseRenewDuration.Enabled) LeaseRenewDuration.Record(duration.TotalSeconds, new("projection", projection), new("generation", generation), new("shard", shard));
    }

    /// <summary>One round of the background reconciliation of a projection generation.</summary>
    public static void RecordReconciliation(string projection, int generation, int checkedAggregates, int mismatches)
    {
        ReconciliationChecked.Add(checkedAggregates, new("projection", projection), new("generation", generation));
        ReconciliationMismatches.Add(mismatches, new("projection", projection), new("generation", generation));
    }

    internal static void RecordOwnerChange(string projection, int generation, int shard, string change)
    {
        if (OwnerChanges.Enabled) OwnerChanges.Add(1, new("projection", projection), new("generation", generation), new("shard", shard), new("change", change));
    }

    private static IEnumerable<Measurement<T>> Observe<T>(Func<GenerationPipeline, T> read) where T : struct
    {
        foreach (var pipeline in Pipelines.Keys)
            yield return new Measurement<T>(read(pipeline), Tags(pipeline));
    }

    private static IEnumerable<Measurement<long>> ObserveCheckpoints()
    {
        foreach (var pipeline in Pipelines.Keys)
            if (pipeline.Checkpoint is { } checkpoint)
                yield return new Measurement<long>((long)checkpoint.Position.Commit, Tags(pipeline));
    }

    /// <summary>One measurement per generation: each of its shards here counted the generation's dead letters at its start, then its own; the largest is the closest.</summary>
    private static IEnumerable<Measurement<long>> ObserveParked() =>
        Pipelines.Keys.GroupBy(p => (p.Name, p.Generation)).Select(g => new Measurement<long>(g.Max(p => Interlocked.Read(ref p.ParkedEvents)),
            new KeyValuePair<string, object?>("projection", g.Key.Name), new KeyValuePair<string, object?>("generation", g.Key.Generation)));

    private static IEnumerable<Measurement<int>> ObserveWallClockAdvance()
    {
        foreach (var pipeline in Pipelines.Keys)
        {
            var advance = pipeline.Reader.WallClockAdvance(pipeline.Time.GetUtcNow());
            yield return new Measurement<int>(advance == StreamTimeAdvance.Advancing ? 1 : 0,
                [.. Tags(pipeline), new("reason", ReasonTag(advance))]);
        }
    }

    /// <summary>snake_case, as metric tag values usually are.</summary>
    public static string ReasonTag(StreamTimeAdvance advance) => advance switch
    {
        StreamTimeAdvance.Disabled => "disabled",
        StreamTimeAdvance.SourceDisconnected => "source_disconnected",
        StreamTimeAdvance.CatchingUp => "catching_up",
        StreamTimeAdvance.EventsBehind => "events_behind",
        StreamTimeAdvance.Idle => "idle",
        StreamTimeAdvance.FollowingEvents => "following_events",
        StreamTimeAdvance.Advancing => "advancing",
        _ => advance.ToString(),
    };

    private static KeyValuePair<string, object?>[] Tags(GenerationPipeline p) =>
        [new("projection", p.Name), new("generation", p.Generation), new("shard", p.Shard)];
}
