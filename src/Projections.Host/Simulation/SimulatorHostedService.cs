namespace Projections.Host.Simulation;

/// <summary>Runs the simulator beside the engine in <c>run</c>; stopping the host cancels it first (it is registered after the engine).</summary>
public sealed class SimulatorHostedService(SimulatorRunner runner) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => runner.RunAsync(stoppingToken);
}
