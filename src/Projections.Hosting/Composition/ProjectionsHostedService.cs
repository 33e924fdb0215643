namespace Projections.Hosting.Composition;

/// <summary>
/// Starts the stores and the engine with the host and, on Ctrl+C / SIGTERM, stops it: stop reading,
/// final flush, final checkpoint. Registered by AddProjections, before the application's own hosted
/// services, so it stops after them (hosts stop in reverse order).
/// </summary>
internal sealed class ProjectionsHostedService(ProjectionsRuntime runtime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => runtime.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => runtime.StopAsync(cancellationToken);
}
