using Projections.Core.Runtime;
using Microsoft.Extensions.Options;
using Projections.Core;
using Projections.Core.Ports;
using Projections.Core.Projections;
using Projections.Hosting.Settings;
using Projections.Hosting.Stores;

namespace Projections.Hosting.Composition;

/// <summary>
/// The running projections of a host: the stores it opened and the engine over them. Started and stopped
/// by the hosted service <see cref="ProjectionsServiceCollectionExtensions.AddProjections"/> registers; other hosted services registered after
/// <c>AddProjections</c> start after it and stop before it, so they can use <see cref="Adapters"/>.
/// </summary>
public sealed class ProjectionsRuntime(
    IOptions<HostSettings> settings,
    IConfiguration configuration,
    IEnumerable<IProjection> projections,
    TimeProvider time,
    ILoggerFactory loggers,
    IServiceProvider services) : IAsyncDisposable
{
    private HostAdapters? _adapters;
    private ProjectionEngine? _engine;

    /// <summary>The validated settings.</summary>
    public HostSettings Settings => settings.Value;

    /// <summary>The projections registered with <see cref="ProjectionsBuilder.Add{TProjection}"/>.</summary>
    public IReadOnlyList<IProjection> Projections { get; } = projections.ToList();

    /// <summary>The opened stores; only once started.</summary>
    public HostAdapters Adapters => _adapters ?? throw NotStarted();

    /// <summary>The engine; only once started.</summary>
    public ProjectionEngine Engine => _engine ?? throw NotStarted();

    /// <summary>True once the stores are open and the engine runs.</summary>
    public bool Started => _engine is not null;

    /// <summary>Projections to rebuild as soon as the engine started (<c>run --rebuild</c>).</summary>
    internal IReadOnlyList<string> RebuildOnStart { get; set; } = [];

    /// <summary>The rebuilds started at start are previews (<c>run --rebuild --preview</c>).</summary>
    internal bool RebuildPreview { get; set; }

    internal async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Projections.Count == 0)
            throw new HostUserException("No projection is registered; add one with AddProjections(p => p.Add<MyProjection>()).");
        var adapters = await AdapterFactory.Open(Settings, configuration, needsWritableEvents: false, cancellationToken);
        _adapters = adapters;
        var engine = new ProjectionEngine(adapters.Source, adapters.Store, Projections, Settings.Engine, time, loggers)
        {
            Address = () => ListeningAddress.Of(services),
        };
        var logger = loggers.CreateLogger<ProjectionsRuntime>();
        logger.LogInformation("This host's lease owner id is {HostId}", engine.HostId);
        await engine.StartAsync(cancellationToken);
        _engine = engine;
        foreach (var name in RebuildOnStart)
        {
            logger.LogInformation("Starting a {Kind} of {Projection}", RebuildPreview ? "rebuild preview" : "rebuild", name);
            try
            {
                await engine.StartRebuild(name, RebuildPreview, cancellationToken);
            }
            catch (RebuildAlreadyRunningException e)
            {
                // A rolling deploy starts every host with --rebuild: the first records it, the others find it running.
                logger.LogInformation("{Message} This host does not start another.", e.Message);
            }
        }
        // A shard count other than the recorded one is applied only by a rebuild; without one the host does not run.
        if (engine.Runtimes.Select(r => r.Error).OfType<ShardCountChangedException>().FirstOrDefault() is { } changed)
            throw new HostUserException(changed.Message);
    }

    internal async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_engine is null) return;
        loggers.CreateLogger<ProjectionsRuntime>().LogInformation("Stopping projections: final flush and checkpoint");
        await _engine.StopAsync(cancellationToken);
    }

    /// <summary>Opens the stores without starting the engine (for commands such as status and verify).</summary>
    internal Task<HostAdapters> OpenAdapters(bool needsWritableEvents, CancellationToken cancellationToken) =>
        AdapterFactory.Open(Settings, configuration, needsWritableEvents, cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_engine is not null) await _engine.DisposeAsync();
        if (_adapters is not null) await _adapters.DisposeAsync();
    }

    private static InvalidOperationException NotStarted() =>
        new("The projections have not started yet (they start with the host).");
}
