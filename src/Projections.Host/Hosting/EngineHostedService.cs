using Projections.Core;
using Projections.Core.Runtime;

namespace Projections.Host.Hosting;

/// <summary>
/// Starts the engine with the host and, on Ctrl+C / SIGTERM, stops it: stop reading, final flush,
/// final checkpoint. Registered before the simulator so it stops after it (hosts stop in reverse order).
/// </summary>
public sealed class EngineHostedService(ProjectionEngine engine, RebuildRequest rebuild, ILogger<EngineHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("This host's lease owner id is {HostId}", engine.HostId);
        await engine.StartAsync(cancellationToken);
        foreach (var name in rebuild.Projections)
        {
            logger.LogInformation("Starting a rebuild of {Projection}", name);
            try
            {
                await engine.StartRebuild(name, cancellationToken);
            }
            catch (RebuildAlreadyRunningException e)
            {
                // A rolling deploy starts every host with --rebuild: the first records it, the others find it running.
                logger.LogInformation("{Message} This host does not start another.", e.Message);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Stopping projections: final flush and checkpoint");
        await engine.StopAsync(cancellationToken);
    }
}

/// <summary>The projections named by <c>run --rebuild</c> (already resolved from "all").</summary>
public sealed record RebuildRequest(IReadOnlyList<string> Projections)
{
    public static readonly RebuildRequest None = new([]);
}
