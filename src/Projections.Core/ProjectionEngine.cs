using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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
    private readonly IProjectionStore _store;
    private readonly ProjectionRuntime[] _runtimes;
    private readonly HostHeartbeat? _heartbeat;
    private int _started, _stopped;

    public ProjectionEngine(
        IEventSource source,
        IProjectionStore store,
        IEnumerable<IProjection> projections,
        ProjectionEngineOptions? options = null,
        TimeProvider? time = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(projections);
        options ??= new ProjectionEngineOptions();
        ProjectionEngineOptionsValidation.Validate(options);
        var list = projections.ToList();
        if (list.Count == 0) throw new ArgumentException("The engine needs at least one projection.", nameof(projections));
        var duplicate = list.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Two projections are named '{duplicate.Key}'; names must be unique.", nameof(projections));
        var unknown = options.OnPoisonByProjection.Keys.FirstOrDefault(name => list.All(p => p.Name != name));
        if (unknown is not null)
            throw new ArgumentException($"The poison policy names projection '{unknown}', which does not exist; known: {string.Join(", ", list.Select(p => p.Name))}.", nameof(options));
        var unknownSharded = options.ShardsByProjection.Keys.FirstOrDefault(name => list.All(p => p.Name != name));
        if (unknownSharded is not null)
            throw new ArgumentException($"The shard counts name projection '{unknownSharded}', which does not exist; known: {string.Join(", ", list.Select(p => p.Name))}.", nameof(options));
        _store = store;
        HostId = options.HostId ?? NewHostId();
        loggerFactory ??= NullLoggerFactory.Instance;
        // A store without leases can serve one host only; its runtimes are granted every lease.
        var leases = store as ILeaseStore ?? new SingleHostLeases();
        if (leases is SingleHostLeases)
            loggerFactory.CreateLogger<ProjectionEngine>().LogWarning(
                "The projection store {Store} keeps no leases: run one host on it only (a second host would write beside this one unfenced)",
                store.Description);
        _runtimes = list.Select(p => new ProjectionRuntime(p, options.ShardsOf(p), source, store, leases, store as IHostRegistry, HostId, options,
            time ?? TimeProvider.System, loggerFactory)).ToArray();
        if (store is IHostRegistry registry)
            _heartbeat = new HostHeartbeat(registry, HostId, () => Address(), options, time ?? TimeProvider.System, loggerFactory.CreateLogger<ProjectionEngine>());
    }

    /// <summary>Where this host's HTTP API listens, as the store's host registry shows it to operators; read at every heartbeat (null: nowhere).</summary>
    public Func<string?> Address { get; set; } = () => null;

    /// <summary>This engine's name in the store's leases (<see cref="ProjectionEngineOptions.HostId"/>).</summary>
    public string HostId { get; }

    private static string NewHostId() => $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>The projections, in registration order.</summary>
    public IReadOnlyList<IProjectionRuntime> Runtimes => _runtimes;

    public IProjectionRuntime? Find(string name) => _runtimes.FirstOrDefault(r => r.Name == name);

    /// <summary>
    /// Initializes the store and starts every projection from its checkpoint. Returns once they are running.
    /// A projection that cannot start is Stopped with its <see cref="IProjectionRuntime.Error"/>; the others run.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1) throw new InvalidOperationException("The engine is already started.");
        await _store.Initialize(cancellationToken).ConfigureAwait(false);
        if (_heartbeat is not null) await _heartbeat.StartAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_runtimes.Select(r => r.StartAsync(cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts building a new generation of <paramref name="projection"/> from the first event while the
    /// active one keeps serving; when the new one has caught up and flushed, it becomes active and the old one is dropped.
    /// </summary>
    public Task StartRebuild(string projection, CancellationToken cancellationToken) => StartRebuild(projection, preview: false, cancellationToken);

    /// <summary>
    /// As <see cref="StartRebuild(string, CancellationToken)"/>; a <paramref name="preview"/> is built and kept
    /// following but becomes active only through <see cref="SwitchPreview"/> (or is dropped by <see cref="DiscardPreview"/>).
    /// </summary>
    public Task StartRebuild(string projection, bool preview, CancellationToken cancellationToken) =>
        Runtime(projection).StartRebuild(preview, cancellationToken);

    /// <summary>Makes the preview generation active and drops the old one; <see cref="PreviewRefusedException"/> when there is none or it is behind.</summary>
    public Task<int> SwitchPreview(string projection, CancellationToken cancellationToken) => Runtime(projection).SwitchPreview(cancellationToken);

    /// <summary>Drops the preview generation; <see cref="PreviewRefusedException"/> when there is none.</summary>
    public Task<int> DiscardPreview(string projection, CancellationToken cancellationToken) => Runtime(projection).DiscardPreview(cancellationToken);

    private ProjectionRuntime Runtime(string projection) =>
        _runtimes.FirstOrDefault(r => r.Name == projection)
        ?? throw new ArgumentException($"No projection is named '{projection}'; known: {string.Join(", ", _runtimes.Select(r => r.Name))}.", nameof(projection));

    /// <summary>
    /// Stops reading, flushes what was applied, writes the final checkpoint. When <paramref name="cancellationToken"/>
    /// fires first (a store that stays unavailable), the final flush is abandoned; replay from the stored checkpoint recovers it.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _started) == 0 || Interlocked.Exchange(ref _stopped, 1) == 1) return;
        await Task.WhenAll(_runtimes.Select(r => r.StopAsync(cancellationToken))).ConfigureAwait(false);
        // After the leases were released, so the registry never shows a gone host writing.
        if (_heartbeat is not null) await _heartbeat.StopAsync().ConfigureAwait(false);
    }

    /// <summary>Stops as <see cref="StopAsync"/> does, giving the final flush up to 30 seconds.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await StopAsync(timeout.Token).ConfigureAwait(false);
    }
}
