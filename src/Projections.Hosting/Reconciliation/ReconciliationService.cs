using Microsoft.Extensions.Options;
using Projections.Core.Metrics;
using Projections.Core.Replay;
using Projections.Core.Runtime;
using Projections.Hosting.Composition;
using Projections.Hosting.Settings;

namespace Projections.Hosting.Reconciliation;

/// <summary>
/// Continuous reconciliation (<c>--reconcile-interval</c>): every interval, for each projection, the next
/// <c>--reconcile-sample</c> live aggregates in key order are re-folded from the events with the reference
/// fold (<see cref="SampleVerifier"/>, the fold <c>verify</c> uses) and compared with their stored documents.
/// A mismatch is checked once more before it counts (a flush may land between two reads); confirmed ones
/// are logged as warnings naming the key, counted in the metrics and shown on the dashboard.
/// </summary>
internal sealed class ReconciliationService(
    ProjectionsRuntime runtime,
    IOptions<HostSettings> settings,
    ReconciliationReports reports,
    TimeProvider time,
    ILogger<ReconciliationService> logger) : BackgroundService
{
    private const int DetailShown = 400;
    private readonly Dictionary<string, string?> _cursors = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (settings.Value.ReconcileInterval is not { } interval) return;
        reports.Enabled = true;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!runtime.Started) continue;
                foreach (var projection in runtime.Engine.Runtimes)
                    await Round(projection, settings.Value.ReconcileSample, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task Round(IProjectionRuntime projection, int sample, CancellationToken ct)
    {
        if (projection.Status is not (ProjectionStatus.Live or ProjectionStatus.CatchingUp)) return; // live aggregates to sample
        var keys = NextSample(projection, sample);
        if (keys.Count == 0) return;
        var generation = projection.GetStats().Generation;
        try
        {
            var first = await Check(projection, generation, keys, ct);
            var suspects = first.Mismatches.Select(m => m.Key).ToHashSet(StringComparer.Ordinal);
            var confirmed = suspects.Count == 0 ? [] : (await Check(projection, generation, suspects, ct)).Mismatches.Where(m => suspects.Contains(m.Key)).ToList();
            foreach (var mismatch in confirmed)
                logger.LogWarning("Reconciliation: projection {Projection} generation {Generation}, aggregate '{Key}' differs from its events ({Kind}): {Detail}",
                    projection.Name, generation, mismatch.Key, mismatch.Kind, Shorten(mismatch.Detail));
            var mismatchedKeys = confirmed.Select(m => m.Key).Distinct(StringComparer.Ordinal).ToList();
            ProjectionMetrics.RecordReconciliation(projection.Name, generation, first.Checked, mismatchedKeys.Count);
            reports.Record(projection.Name, generation, first.Checked, first.InFlight, mismatchedKeys, time.GetUtcNow());
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning("Reconciliation of projection {Projection} failed this round and is tried again in the next: {Error}", projection.Name,
                SecretRedactor.Redact(e.Message));
        }
    }

    private Task<SampleCheckResult> Check(IProjectionRuntime projection, int generation, IReadOnlyCollection<string> keys, CancellationToken ct) =>
        SampleVerifier.Check(projection.Projection, runtime.Adapters.Source, runtime.Adapters.Store, generation, keys, ct);

    /// <summary>The next live keys in key order, wrapping around, so that every live aggregate is checked in turn.</summary>
    private List<string> NextSample(IProjectionRuntime projection, int sample)
    {
        // A key cursor, not a skip: the next sample starts after the last key checked, at the cost of the sample.
        var cursor = _cursors.GetValueOrDefault(projection.Name);
        var page = projection.Query(new EntityQuery { After = cursor, Take = sample });
        if (page.Items.Count == 0 && cursor is not null) page = projection.Query(new EntityQuery { Take = sample });
        _cursors[projection.Name] = page.Items.Count < sample ? null : page.Items[^1].Key;
        return page.Items.Select(e => e.Key).ToList();
    }

    private static string Shorten(string detail) => detail.Length <= DetailShown ? detail : detail[..DetailShown] + "...";
}
