using Projections.Hosting.Web;

namespace Projections.Hosting.Charts;

/// <summary>Samples every projection into <see cref="ProjectionCharts"/> once per <see cref="ProjectionCharts.Interval"/>.</summary>
internal sealed class ChartSampler(ProjectionCharts charts, IProjectionCatalog catalog, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ProjectionCharts.Interval, time);
        try
        {
            do charts.Sample(catalog.Runtimes, time.GetUtcNow());
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }
}
