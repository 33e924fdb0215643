using Microsoft.Extensions.Logging;
using Projections.Core.Events;
using Projections.Core.Pipeline;
using Projections.Core.Ports;
using Projections.Core.Projections;

namespace Projections.Core.Runtime;

/// <summary>
/// One projection as the host sees it: its shards (<see cref="ShardRuntime"/>, one when the projection is not sharded),
/// each running here only while this host holds that shard's lease; otherwise the shard is another host's and this
/// one is its standby (design.md "Several hosts", "Shards"). Its identity stays the same across a rebuild: reads
/// follow the active generation. The lease rounds and the fair share are in ProjectionRuntime.Ownership.cs.
/// </summary>
public sealed partial class ProjectionRuntime : IProjectionRuntime
{
    private readonly IEventSource _source;
    private readonly IProjectionStore _store;
    private readonly ILeaseStore _leases;
    private readonly IHostRegistry? _hosts;
    private readonly string _owner;
    private readonly ProjectionEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChangeHub _hub;
    private readonly AsyncSignal _checkpointSignal = new();
    private readonly AsyncSignal _ownershipWake = new();
    private volatile ShardRuntime[] _shards = [];
    private volatile Exception? _startError;
    private volatile ProjectionGenerations _generations = new(0, null);
    private volatile bool _stopped;

    internal ProjectionRuntime(IProjection projection, int shards, IEventSource source, IProjectionStore store, ILeaseStore leases, IHostRegistry? hosts,
        string owner, ProjectionEngineOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        Projection = projection;
        ConfiguredShards = shards;
        _source = source;
        _store = store;
        _leases = leases;
        _hosts = hosts;
        _owner = owner;
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger($"Projections.{projection.Name}");
        _hub = new ChangeHub(_logger);
    }

    public string Name => Projection.Name;
    public IProjection Projection { get; }

    /// <summary>The shard count this host was configured with (<see cref="ProjectionEngineOptions.ShardsOf"/>); new generations get it.</summary>
    public int ConfiguredShards { get; }

    /// <summary>The active generation's shard count as recorded in the store (0 before the start).</summary>
    public int ActiveShards => _generations.Active == 0 ? 0 : _generations.ActiveShards;

    private int ServedGenerationNumber => _generations.Active;

    public ProjectionStatus Status
    {
        get
        {
            if (_startError is not null) return ProjectionStatus.Stopped;
            var serving = ServingPipelines();
            if (serving.Count > 0)
                return serving.Any(p => p.Status == ProjectionStatus.Stopped) ? ProjectionStatus.Stopped
                    : serving.Any(p => p.Status == ProjectionStatus.CatchingUp) ? ProjectionStatus.CatchingUp
                    : serving.Any(p => p.Status == ProjectionStatus.Starting) ? ProjectionStatus.Starting
                    : ProjectionStatus.Live;
            return ServedGenerationNumber > 0 && !_stopped ? ProjectionStatus.Standby
                : ServedGenerationNumber > 0 ? ProjectionStatus.Stopped
                : ProjectionStatus.Starting;
        }
    }

    public Exception? Error => _startError ?? _shards.Select(s => s.Error).FirstOrDefault(e => e is not null);

    /// <summary>This engine's name in the store's leases.</summary>
    public string Owner => _owner;

    /// <summary>The leases (generation, shard, epoch) whose pipelines run on this host: the active generation's shards, and a rebuild's.</summary>
    public IReadOnlyList<Lease> HeldLeases => _shards.SelectMany(s => s.HeldLeases).ToArray();

    public RebuildProgress? Rebuild => _shards.Select(s => s.Rebuild).FirstOrDefault(r => r is not null);

    /// <summary>The generation being served (by this host, or as read from the store while a standby).</summary>
    public int ActiveGeneration => ServingPipelines() is [var first, ..] ? first.Generation : ServedGenerationNumber;

    /// <summary>True while a reader of the active generation waits for a flush (unflushed window full).</summary>
    internal bool ReaderPaused => _shards.Any(s => s.Active?.Reader.Paused ?? false);

    /// <summary>Never throws: dashboards poll it while the projection is still starting. With several shards here, their figures combined.</summary>
    public ProjectionStats GetStats() =>
        ShardStats.Combine(ServingPipelines().Select(p => p.GetStats()).ToArray()) ?? ProjectionStats.NotStarted with { Generation = ServedGenerationNumber };

    /// <summary>Null when the key's shard is not served here (another host's, or a standby): readers fall back to the store.</summary>
    public LiveEntity? GetLive(string key) => ServingShardOf(key)?.GetLive(key);

    /// <summary>The live aggregates of the shards this host serves, merged in key order.</summary>
    public EntityPage Query(EntityQuery query)
    {
        var serving = ServingPipelines();
        if (serving.Count <= 1) return serving is [var only] ? only.Query(query) : new EntityPage(0, []);
        var wide = query with { Skip = 0, Take = query.Skip + query.Take };
        var pages = serving.Select(p => p.Query(wide)).ToArray();
        var items = pages.SelectMany(p => p.Items).OrderBy(e => e.Key, StringComparer.Ordinal).Skip(query.Skip).Take(query.Take).ToList();
        return new EntityPage(pages.Sum(p => p.Total), items);
    }

    public Task<StoredDocument?> LoadPersisted(string key, CancellationToken cancellationToken) =>
        _store.LoadDocument(Name, ServedGeneration(), key, cancellationToken);

    public Task<IReadOnlyList<DeadLetter>> ReadDeadLetters(int skip, int take, CancellationToken cancellationToken) =>
        _store.ReadDeadLetters(Name, ServedGeneration(), skip, take, cancellationToken);

    public IDisposable SubscribeChanges(string? key, Action<EntityChange> onChange) => _hub.Subscribe(key, onChange);

    /// <summary>
    /// Completes when every shard of the active generation has persisted <paramref name="position"/>: the shards served here
    /// by their pipelines, the others by their checkpoints in the store (read again every renew interval).
    /// </summary>
    public async Task WaitForCheckpoint(GlobalPosition position, CancellationToken cancellationToken)
    {
        while (true)
        {
            var wake = _checkpointSignal.Prepare();
            if (await EveryShardPersisted(position, cancellationToken).ConfigureAwait(false)) return;
            if (Status == ProjectionStatus.Stopped)
                throw new InvalidOperationException($"Projection '{Name}' stopped before its checkpoint reached {position}.", Error);
            await Task.WhenAny(wake, Task.Delay(_options.LeaseRenewInterval, _time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async Task<bool> EveryShardPersisted(GlobalPosition position, CancellationToken ct)
    {
        var generations = _generations;
        if (generations.Active == 0) return false;
        var shards = _shards;
        for (var shard = 0; shard < generations.ActiveShards; shard++)
        {
            var checkpoint = shard < shards.Length && shards[shard].Serving is { } p && p.Generation == generations.Active ? p.Checkpoint
                : shards.Length > 0 && generations.ActiveShards > 1 ? await _store.LoadCheckpoint(Name, generations.Active, shard, ct).ConfigureAwait(false)
                : null;
            if (checkpoint is not { } cp || cp.Position < position) return false;
        }
        return true;
    }

    /// <summary>The pipeline of <paramref name="shard"/> of the active generation while this host serves it (tests look at one shard).</summary>
    internal GenerationPipeline? ServingShard(int shard) => shard < _shards.Length ? _shards[shard].Serving : null;

    private List<GenerationPipeline> ServingPipelines()
    {
        var serving = new List<GenerationPipeline>();
        foreach (var shard in _shards)
            if (shard.Serving is { } p) serving.Add(p);
        return serving;
    }

    private GenerationPipeline? ServingShardOf(string key)
    {
        var shards = _shards;
        if (shards.Length == 0) return null;
        var count = _generations.ActiveShards;
        var shard = count <= 1 ? 0 : KeyHash.Shard(key, count);
        return shard < shards.Length && shards[shard].Serving is { } p && p.Shards == Math.Max(count, 1) ? p : null;
    }

    private int ServedGeneration() =>
        ActiveGeneration is > 0 and var g ? g
        : throw new ProjectionUnavailableException($"Projection '{Name}' has not started{(_startError is null ? "" : $": {_startError.Message}")}.");

    /// <summary>"Park this event and continue" on the shard that stopped on it (ShardRuntime.Park.cs).</summary>
    public Task<string> ParkAndContinue(string actor, GlobalPosition? expectedPosition, CancellationToken cancellationToken)
    {
        var shards = _shards;
        if (shards.Length == 0) throw new InvalidOperationException($"Projection '{Name}' has not started.");
        var stopped = shards.FirstOrDefault(s => s.Serving is { Status: ProjectionStatus.Stopped, Error: ProjectionFailedException }) ?? shards[0];
        return stopped.ParkAndContinue(actor, expectedPosition, cancellationToken);
    }
}
