using Microsoft.Extensions.Options;
using Projections.Hosting.Composition;
using Projections.Hosting.Progress;

namespace PlantTracking.App.Simulation;

/// <summary>
/// Runs the simulator beside the projections when events come from the embedded store (unless
/// --no-simulate). Registered after AddProjections, so it starts after the stores are open and stops
/// before the engine's final flush.
/// </summary>
public sealed class SimulatorHostedService(ProjectionsRuntime projections, IOptions<SimulatorSettings> settings, TimeProvider time, ILogger<SimulatorRunner> logger)
    : BackgroundService, IProgressSource
{
    private SimulatorRunner? _runner;

    private bool Simulating => projections.Settings.UsesEmbeddedEventStore && settings.Value.Enabled;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Simulating || projections.Adapters.Writable is not { } events) return Task.CompletedTask;
        _runner = new SimulatorRunner(events, settings.Value, time, logger);
        return _runner.RunAsync(stoppingToken);
    }

    public IEnumerable<string> BannerLines() =>
        Simulating ? ["Simulating the plant workload in-process (--no-simulate turns it off)"] : [];

    public ProgressLine? Current() => _runner is { } runner ? new ProgressLine("simulator", SimulatorRunner.Describe(runner.Progress())) : null;
}
