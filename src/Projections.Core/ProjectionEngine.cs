using Microsoft.Extensions.Logging;
using Projections.Core.Ports;
using Projections.Core.Projections;
using Projections.Core.Runtime;

namespace Projections.Core;

/// <summary>
/// Runs several projections side by side over one event source and one projection store. Each
/// projection has its own subscription, partitions, flusher and checkpoint; one failing stops only itself.
/// </summary>
public sealed class ProjectionEngine : IAsyncDisposable
{
    public ProjectionEngine(
        IEventSource source,
        IProjectionStore store,
        IEnumerable<IProjection> projections,
        ProjectionEngineOptions? options = null,
        TimeProvider? time = null,
        ILoggerFactory? loggerFactory = null)
    {
        throw new NotImplementedException("engine: being built");
    }

    /// <summary>The projections, in registration order.</summary>
    public IReadOnlyList<IProjectionRuntime> Runtimes => throw new NotImplementedException();

    public IProjectionRuntime? Find(string name) => throw new NotImplementedException();

    /// <summary>Initializes the store and starts every projection from its checkpoint. Returns once they are running.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>
    /// Starts building a new generation of <paramref name="projection"/> from the first event while the
    /// active one keeps serving; when the new one has caught up and flushed, it becomes active and the old one is dropped.
    /// </summary>
    public Task StartRebuild(string projection, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Stops reading, flushes what was applied, writes the final checkpoint.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
