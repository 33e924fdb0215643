using Microsoft.Extensions.Logging;
using Projections.Core.Events;
using Projections.Core.Pipeline;
using Projections.Core.Ports;
using Projections.Core.Projections;

namespace Projections.Core.Runtime;

/// <summary>
/// One shard of a projection on this host (design.md "Shards"; the whole projection when it has one shard): the
/// pipelines of the shard's active generation and of a rebuild, each running only while this host holds that
/// shard's lease (ShardRuntime.Ownership.cs). <see cref="ProjectionRuntime"/> runs the lease rounds over its shards.
/// </summary>
internal sealed partial class ShardRuntime
{
    private readonly IEventSource _source;
    private readonly IProjectionStore _store;
    private readonly ILeaseStore _leases;
    private readonly string _owner;
    private readonly ProjectionEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChangeHub _hub;
    private readonly AsyncSignal _checkpointSignal;
    private readonly AsyncSignal _ownershipWake;
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private volatile GenerationPipeline? _active;
    private volatile GenerationPipeline? _building;
    private volatile RebuildState? _rebuild;
    private volatile ProjectionGenerations _generations = new(0, null);
    private bool _stopped;

    internal ShardRuntime(IProjection projection, int shard, IEventSource source, IProjectionStore store, ILeaseStore leases, string owner,
        ProjectionEngineOptions options, TimeProvider time, ILogger logger, ChangeHub hub, AsyncSignal checkpointSignal, AsyncSignal ownershipWake)
    {
        Projection = projection;
        Shard = shard;
        _source = source;
        _store = store;
        _leases = leases;
        _owner = owner;
        _options = options;
        _time = time;
        _logger = logger;
        _hub = hub;
        _checkpointSignal = checkpointSignal;
        _ownershipWake = ownershipWake;
    }

    public string Name => Projection.Name;
    public IProjection Projection { get; }
    public int Shard { get; }

    /// <summary>The active generation's pipeline of this shard while this host holds its lease.</summary>
    public GenerationPipeline? Serving => _active is { LostLease: false, Aborted: false } a ? a : null;

    /// <summary>The active pipeline whatever its state (a stopped one keeps its error for status).</summary>
    public GenerationPipeline? Active => _active;
    public GenerationPipeline? Building => _building;

    public Exception? Error => _active?.Error ?? _rebuild?.Error ?? _building?.Error;

    /// <summary>The leases (with their epochs) under which this host writes the shard: the active generation's, and a rebuild's.</summary>
    public IEnumerable<Lease> HeldLeases =>
        new[] { _active, _building }.Where(p => p is { LostLease: false, Lease: not null }).Select(p => p!.Lease!);

    public RebuildProgress? Rebuild => _building is { } b && _rebuild is { } r
        ? b.RebuildProgress(r.Target, r.StartedAt) with { Preview = r.Preview, CaughtUp = r.CaughtUp }
        : null;

    /// <summary>Whether this host holds <paramref name="generation"/>'s lease of this shard.</summary>
    public bool Holds(int generation) =>
        (_active is { LostLease: false } a && a.Generation == generation) || (_building is { LostLease: false } b && b.Generation == generation);

    private GenerationPipeline NewPipeline(int generation, Lease lease, OperatorPark? operatorPark = null) =>
        new(Projection, generation, lease, _source, _store, _options, _time, _logger, OnPipelineChanged, operatorPark,
            fenced: _leases is not SingleHostLeases, shard: Shard, shards: _generations.ShardsOf(generation));

    private void OnPipelineChanged()
    {
        _checkpointSignal.Set();
        _ownershipWake.Set(); // a pipeline that lost its lease is replaced at once, not at the next renewal
    }

    /// <summary>
    /// Stops reading, flushes, writes the final checkpoint, then releases the leases so another host takes
    /// over at once; a rebuild in progress stops too and resumes at the next start (here or on another host).
    /// </summary>
    internal async Task StopAsync(CancellationToken abandon)
    {
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
