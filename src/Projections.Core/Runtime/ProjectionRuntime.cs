using Microsoft.Extensions.Logging;
using Projections.Core.Events;
using Projections.Core.Pipeline;
using Projections.Core.Ports;
using Projections.Core.Projections;

namespace Projections.Core.Runtime;

/// <summary>
/// One projection as the host sees it. Its identity stays the same across a rebuild: reads follow the
/// active generation's pipeline, and switch to the new one when a rebuild completes. A generation's
/// pipeline runs only while this host holds its lease; otherwise the projection is a standby
/// (design.md "Several hosts", ProjectionRuntime.Ownership.cs).
/// </summary>
public sealed partial class ProjectionRuntime : IProjectionRuntime
{
    private readonly IEventSource _source;
    private readonly IProjectionStore _store;
    private readonly ILeaseStore _leases;
    private readonly string _owner;
    private readonly ProjectionEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChangeHub _hub;
    private readonly AsyncSignal _checkpointSignal = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private volatile GenerationPipeline? _active;
    private volatile GenerationPipeline? _building;
    private volatile RebuildState? _rebuild;
    private volatile Exception? _startError;
    private volatile int _servedGeneration;
    private bool _stopped;

    internal ProjectionRuntime(IProjection projection, IEventSource source, IProjectionStore store, ILeaseStore leases, string owner,
        ProjectionEngineOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        Projection = projection;
        _source = source;
        _store = store;
        _leases = leases;
        _owner = owner;
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger($"Projections.{projection.Name}");
        _hub = new ChangeHub(_logger);
    }

    public string Name => Projection.Name;
    public IProjection Projection { get; }

    public ProjectionStatus Status =>
        _startError is not null ? ProjectionStatus.Stopped
        : _active is { LostLease: false, Aborted: false } active ? active.Status
        : _servedGeneration > 0 && !_stopped ? ProjectionStatus.Standby
        : _servedGeneration > 0 ? ProjectionStatus.Stopped
        : ProjectionStatus.Starting;

    public Exception? Error => _startError ?? _active?.Error ?? _rebuild?.Error ?? _building?.Error;

    /// <summary>This engine's name in the store's leases.</summary>
    public string Owner => _owner;

    /// <summary>The generations (with their lease epochs) whose pipelines run on this host: the active one, and the one being rebuilt.</summary>
    public IReadOnlyList<Lease> HeldLeases =>
        new[] { _active, _building }.Where(p => p is { LostLease: false, Lease: not null }).Select(p => p!.Lease!).ToArray();

    public RebuildProgress? Rebuild => _building is { } b && _rebuild is { } r
        ? b.RebuildProgress(r.Target, r.StartedAt) with { Preview = r.Preview, CaughtUp = r.CaughtUp }
        : null;

    /// <summary>The generation being served (by this host, or as read from the store while a standby).</summary>
    public int ActiveGeneration => _active is { LostLease: false } a ? a.Generation : _servedGeneration;

    /// <summary>True while the active generation's reader waits for a flush (unflushed window full).</summary>
    internal bool ReaderPaused => _active?.Reader.Paused ?? false;

    /// <summary>Never throws: dashboards poll it while the projection is still starting.</summary>
    public ProjectionStats GetStats() => Serving()?.GetStats() ?? ProjectionStats.NotStarted with { Generation = _servedGeneration };

    /// <summary>Null on a standby: it holds no live state, so readers fall back to the store.</summary>
    public LiveEntity? GetLive(string key) => Serving()?.GetLive(key);

    public EntityPage Query(EntityQuery query) => Serving()?.Query(query) ?? new EntityPage(0, []);

    public Task<StoredDocument?> LoadPersisted(string key, CancellationToken cancellationToken) =>
        _store.LoadDocument(Name, ServedGeneration(), key, cancellationToken);

    public Task<IReadOnlyList<DeadLetter>> ReadDeadLetters(int skip, int take, CancellationToken cancellationToken) =>
        _store.ReadDeadLetters(Name, ServedGeneration(), skip, take, cancellationToken);

    public IDisposable SubscribeChanges(string? key, Action<EntityChange> onChange) => _hub.Subscribe(key, onChange);

    public async Task WaitForCheckpoint(GlobalPosition position, CancellationToken cancellationToken)
    {
        while (true)
        {
            var wake = _checkpointSignal.Prepare();
            var active = _active;
            if (active?.Checkpoint is { } cp && cp.Position >= position) return;
            if (Status == ProjectionStatus.Stopped)
                throw new InvalidOperationException($"Projection '{Name}' stopped before its checkpoint reached {position}.", Error);
            await wake.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The active generation's pipeline while this host holds its lease.</summary>
    private GenerationPipeline? Serving() => _active is { LostLease: false } a ? a : null;

    private int ServedGeneration() =>
        ActiveGeneration is > 0 and var g ? g
        : throw new ProjectionUnavailableException($"Projection '{Name}' has not started{(_startError is null ? "" : $": {_startError.Message}")}.");

    private GenerationPipeline NewPipeline(int generation, Lease lease, OperatorPark? operatorPark = null) =>
        new(Projection, generation, lease, _source, _store, _options, _time, _logger, OnPipelineChanged, operatorPark, fenced: _leases is not SingleHostLeases);

    private void OnPipelineChanged()
    {
        _checkpointSignal.Set();
        _ownershipWake.Set(); // a pipeline that lost its lease is replaced at once, not at the next renewal
    }

    /// <summary>
    /// Opens the projection in the store, takes the leases it can (the active generation, and a rebuild
    /// interrupted by a crash) and starts their pipelines; then keeps renewing and watching for hand-overs.
    /// </summary>
    internal async Task StartAsync(CancellationToken ct)
    {
        await _lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var generations = await _store.EnsureProjection(Name, Projection.Indexes, ct).ConfigureAwait(false);
            // A crash between activating generation g and dropping g-1 leaves g-1's storage behind; dropping it again is harmless.
            if (generations.Active > 1) await _store.DropGeneration(Name, generations.Active - 1, ct).ConfigureAwait(false);
            await CheckOwnership(generations, ct).ConfigureAwait(false);
            StartOwnershipLoop();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _startError = ex;
            _logger.LogError(ex, "Projection {Projection} could not start: {Message}", Name, ex.Message);
            _checkpointSignal.Set();
        }
        finally { _lifecycle.Release(); }
    }

    /// <summary>
    /// Stops reading, flushes, writes the final checkpoint, then releases the leases so a standby takes
    /// over at once; a rebuild in progress stops too and resumes at the next start (here or on another host).
    /// </summary>
    internal async Task StopAsync(CancellationToken abandon)
    {
        await StopOwnershipLoop().ConfigureAwait(false);
        var tasks = new List<Task>();
        GenerationPipeline?[] pipelines;
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            _stopped = true;
            pipelines = [_active, _building];
            if (_building is { } b) tasks.Add(b.StopAsync(abandon));
            if (_active is { } a) tasks.Add(a.StopAsync(abandon));
            if (_rebuild?.Switch is { } pendingSwitch) tasks.Add(pendingSwitch);
        }
        finally { _lifecycle.Release(); }
        await Task.WhenAll(tasks).ConfigureAwait(false);
        foreach (var pipeline in pipelines)
            if (pipeline is { LostLease: false, Lease: { } lease }) await ReleaseQuietly(lease, "stopped").ConfigureAwait(false);
    }

    private sealed class RebuildState(GlobalPosition target, DateTimeOffset startedAt, bool preview)
    {
        public GlobalPosition Target { get; } = target;
        public DateTimeOffset StartedAt { get; } = startedAt;
        public bool Preview { get; } = preview;
        public volatile bool CaughtUp;
        public Task? Switch { get; set; }
        public Exception? Error { get; set; }
    }
}
