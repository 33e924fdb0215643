using Microsoft.Extensions.Logging;
using Projections.Core.Events;
using Projections.Core.Pipeline;
using Projections.Core.Ports;
using Projections.Core.Projections;

namespace Projections.Core.Runtime;

/// <summary>
/// One projection as the host sees it. Its identity stays the same across a rebuild: reads follow the
/// active generation's pipeline, and switch to the new one when a rebuild completes.
/// </summary>
public sealed partial class ProjectionRuntime : IProjectionRuntime
{
    private readonly IEventSource _source;
    private readonly IProjectionStore _store;
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
    private bool _stopped;

    internal ProjectionRuntime(IProjection projection, IEventSource source, IProjectionStore store, ProjectionEngineOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        Projection = projection;
        _source = source;
        _store = store;
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger($"Projections.{projection.Name}");
        _hub = new ChangeHub(_logger);
    }

    public string Name => Projection.Name;
    public IProjection Projection { get; }

    public ProjectionStatus Status => _startError is not null ? ProjectionStatus.Stopped : _active?.Status ?? ProjectionStatus.Starting;

    public Exception? Error => _startError ?? _active?.Error ?? _rebuild?.Error ?? _building?.Error;

    public RebuildProgress? Rebuild => _building is { } b && _rebuild is { } r ? b.RebuildProgress(r.Target, r.StartedAt) : null;

    /// <summary>The generation being served.</summary>
    public int ActiveGeneration => _active?.Generation ?? 0;

    /// <summary>True while the active generation's reader waits for a flush (unflushed window full).</summary>
    internal bool ReaderPaused => _active?.Reader.Paused ?? false;

    /// <summary>Never throws: dashboards poll it while the projection is still starting.</summary>
    public ProjectionStats GetStats() => _active?.GetStats() ?? ProjectionStats.NotStarted;

    public LiveEntity? GetLive(string key) => _active?.GetLive(key);

    public EntityPage Query(EntityQuery query) => _active?.Query(query) ?? new EntityPage(0, []);

    public Task<StoredDocument?> LoadPersisted(string key, CancellationToken cancellationToken) =>
        _store.LoadDocument(Name, Active().Generation, key, cancellationToken);

    public Task<IReadOnlyList<DeadLetter>> ReadDeadLetters(int skip, int take, CancellationToken cancellationToken) =>
        _store.ReadDeadLetters(Name, Active().Generation, skip, take, cancellationToken);

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

    private GenerationPipeline Active() =>
        _active ?? throw new InvalidOperationException($"Projection '{Name}' has not started{(_startError is null ? "" : $": {_startError.Message}")}.");

    private GenerationPipeline NewPipeline(int generation, OperatorPark? operatorPark = null) =>
        new(Projection, generation, _source, _store, _options, _time, _logger, _checkpointSignal.Set, operatorPark);

    /// <summary>Opens the projection in the store and starts its active generation (and a rebuild interrupted by a crash).</summary>
    internal async Task StartAsync(CancellationToken ct)
    {
        await _lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var generations = await _store.EnsureProjection(Name, Projection.Indexes, ct).ConfigureAwait(false);
            // A crash between activating generation g and dropping g-1 leaves g-1's storage behind; dropping it again is harmless.
            if (generations.Active > 1) await _store.DropGeneration(Name, generations.Active - 1, ct).ConfigureAwait(false);
            var active = NewPipeline(generations.Active);
            active.Notifier = _hub;
            var checkpoint = await _store.LoadCheckpoint(Name, generations.Active, ct).ConfigureAwait(false);
            await active.StartAsync(checkpoint, ct).ConfigureAwait(false);
            _active = active;
            if (generations.Building is { } building)
            {
                _logger.LogInformation("Projection {Projection}: resuming the rebuild of generation {Generation}", Name, building);
                await StartBuilding(building, resume: true, ct).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _startError = ex;
            _logger.LogError(ex, "Projection {Projection} could not start: {Message}", Name, ex.Message);
            _checkpointSignal.Set();
        }
        finally { _lifecycle.Release(); }
    }

    /// <summary>Stops reading, flushes, writes the final checkpoint; a rebuild in progress stops too and resumes at the next start.</summary>
    internal async Task StopAsync(CancellationToken abandon)
    {
        var tasks = new List<Task>();
        await _lifecycle.WaitAsync().ConfigureAwait(false);
        try
        {
            _stopped = true;
            if (_building is { } b) tasks.Add(b.StopAsync(abandon));
            if (_active is { } a) tasks.Add(a.StopAsync(abandon));
            if (_rebuild?.Switch is { } pendingSwitch) tasks.Add(pendingSwitch);
        }
        finally { _lifecycle.Release(); }
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private sealed class RebuildState(GlobalPosition target, DateTimeOffset startedAt)
    {
        public GlobalPosition Target { get; } = target;
        public DateTimeOffset StartedAt { get; } = startedAt;
        public Task? Switch { get; set; }
        public Exception? Error { get; set; }
    }
}
