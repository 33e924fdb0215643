using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Projections.Core.Ports;
using Projections.Core.Runtime;
using Projections.Hosting.Composition;

namespace Projections.Hosting.Web;

/// <summary>
/// Ready when every projection runs (not stopped, not paused by an outage) and both the event source and the projection store answer.
/// Failures name the component by its description (never a connection string) and the exception type.
/// </summary>
internal sealed class ReadinessHealthCheck(IServiceProvider services, IOptions<WebOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<ProjectionsRuntime>() is { Started: false })
            return HealthCheckResult.Unhealthy("projections are starting");
        var catalog = services.GetRequiredService<IProjectionCatalog>();
        var problems = new List<string>();
        foreach (var runtime in catalog.Runtimes)
        {
            if (runtime.Status == ProjectionStatus.Stopped) problems.Add($"projection '{runtime.Name}' is stopped");
            else if (runtime.Status == ProjectionStatus.Starting) problems.Add($"projection '{runtime.Name}' is starting");
            // The reason may quote a server's error text; the dependency's description is safe to show.
            else if (runtime.GetStats().Outage is { } outage)
                problems.Add($"projection '{runtime.Name}' is paused: {outage.Dependency} unavailable since {outage.Since:O}");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.ReadinessProbeTimeout);
        if (services.GetService<IEventSource>() is { } source)
            await Probe(problems, $"event source ({source.Description})", () => source.ReadHeadPosition(timeout.Token));
        if (services.GetService<IProjectionStore>() is { } store && catalog.Runtimes.FirstOrDefault() is { } first)
            await Probe(problems, $"projection store ({store.Description})",
                () => store.LoadCheckpoint(first.Name, first.GetStats().Generation, timeout.Token));

        return problems.Count == 0
            ? HealthCheckResult.Healthy($"{catalog.Runtimes.Count} projection(s) running; event source and store reachable")
            : HealthCheckResult.Unhealthy(string.Join("; ", problems));
    }

    private static async Task Probe(List<string> problems, string component, Func<Task> probe)
    {
        try
        {
            await probe();
        }
        catch (OperationCanceledException)
        {
            problems.Add($"{component} did not answer in time");
        }
        catch (Exception e)
        {
            problems.Add($"{component} is unreachable ({e.GetType().Name})");
        }
    }
}
