using Projections.Hosting.Web;

namespace Projections.Hosting.Charts;

/// <summary>
/// Samples every projection into <see cref="ProjectionCharts"/> once per <see cref="ProjectionCharts.Interval"/>.
/// A failing sample is logged and skipped: the dashboard's charts must never stop the host.
/// </summary>
internal sealed class ChartSampler(ProjectionCharts charts, IProjectionCatalog catalog, TimeProvider time, ILogger<ChartSampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ProjectionCharts.Interval, time);
        var failing = false;
        try
        {
            do
            {
                try
                {
                    charts.Sample(catalog.Runtimes, time.GetUtcNow());
                    failing = false;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    if (!failing) logger.LogWarning(e, "Could not sample the projections for the dashboard's charts; retrying every {Interval}", ProjectionCharts.Interval);
                    failing = true;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
