using Microsoft.Extensions.Logging;
using Projections.Core.Events;
using Projections.Core.Metrics;
using Projections.Core.Ports;
using Projections.Core.Projections;
using Projections.Core.Resilience;
using Projections.Core.Runtime;

namespace Projections.Core.Pipeline;

/// <summary>
/// The pipeline of one generation of one projection: reader → partitions → flusher (design.md "Shape").
/// A projection has one, plus a second while a rebuild builds the next generation.
/// </summary>
internal sealed partial class GenerationPipeline
{
    private readonly CancellationTokenSource _lifetime = new();
    private readonly TaskCompletionSource _caughtUpAndFlushed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly RateMeter _eventRate;
    private readonly RateMeter _positionRate;
    private readonly object _headSync = new();
    private Task[] _tasks = [];
    private volatile int _status = (int)ProjectionStatus.Starting;
    private Exception? _error;
    private volatile ProjectionCheckpoint? _checkpoint;
    private GlobalPosition? _head;
    private int _stopRequested;
    private int _finalFlushRequested;

    public GenerationPipeline(IProjection projection, int generation, Lease? lease, IEventSource source, IProjectionStore store,
        ProjectionEngineOptions options, TimeProvider time, ILogger logger, Action onCheckpoint, OperatorPark? operatorPark = null,
        bool fenced = true, int shard = 0, int shards = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        ArgumentOutOfRangeException.ThrowIfNotEqual(shard, Math.Clamp(shard, 0, shards - 1));
        Shard = shard;
        Shards = shards;
        OperatorPark = operatorPark;
        Projection = projection;
        Generation = generation;
        Lease = lease;
        Fence = fenced ? lease : null;
        Source = source;
        Store = store;
        Options = options;
        Time = time;
        Logger = logger;
        OnCheckpoint = onCheckpoint;
        _eventRate = new RateMeter(time, TimeSpan.FromSeconds(5));
        _positionRate = new RateMeter(time, TimeSpan.FromSeconds(10));
        Partitions = new Partition[options.Partitions];
        for (var i = 0; i < Partitions.Length; i++) Partitions[i] = new Partition(this, i);
        PoisonPolicy = options.PoisonPolicyOf(projection);
        StoreOutage = new Outage(projection.Name, $"projection store ({store.Description})", time, logger);
        SourceOutage = new Outage(projection.Name, $"event source ({source.Description})", time, logger);
        Reader = new Reader(this);
        Flusher = new Flusher(this);
    }

    public IProjection Projection { get; }
    /// <summary>The projection's policy, or the operator's override from the options.</summary>
    public PoisonEventPolicy PoisonPolicy { get; }
    /// <summary>The one event or timer an operator asked this pipeline to park whatever the policy ("park this event and continue").</summary>
    public OperatorPark? OperatorPark { get; }

    /// <summary>Whether a failing event is parked (policy or operator); the reason says who parked it.</summary>
    public bool ParksEvent(GlobalPosition position, string failure, out string reason) =>
        Parks(OperatorPark?.Covers(position) == true, failure, out reason);

    public bool ParksTimer(string key, DateTimeOffset deadline, string failure, out string reason) =>
        Parks(OperatorPark?.Covers(key, deadline) == true, failure, out reason);

    private bool Parks(bool byOperator, string failure, out string reason)
    {
        reason = byOperator ? $"Parked by '{OperatorPark!.Actor}': {failure}" : failure;
        return byOperator || PoisonPolicy == PoisonEventPolicy.Park;
    }
    public string Name => Projection.Name;
    public int Generation { get; }
    /// <summary>The shard of the generation this pipeline folds (design.md "Shards"); 0 of 1 when the projection is not sharded.</summary>
    public int Shard { get; }
    public int Shards { get; }

    /// <summary>Whether <paramref name="key"/> belongs to this pipeline's shard.</summary>
    public bool Owns(string key) => Shards == 1 || KeyHash.Shard(key, Shards) == Shard;
    /// <summary>The lease this pipeline writes under (renewed and released by the runtime).</summary>
    public Lease? Lease { get; }
    /// <summary>
    /// The fence every batch carries: the lease when the store keeps leases; null when it has none (a
    /// granted-to-all lease is no fencing token, and a store that keeps leases must not see it).
    /// </summary>
    public Lease? Fence { get; }
    /// <summary>When the lease was last renewed (a <see cref="TimeProvider.GetTimestamp"/>); the runtime's renew loop owns it.</summary>
    public long LeaseRenewedAt;
    public IEventSource Source { get; }
    public IProjectionStore Store { get; }
    public ProjectionEngineOptions Options { get; }
    public TimeProvider Time { get; }
    public ILogger Logger { get; }
    public Action OnCheckpoint { get; }
    public Partition[] Partitions { get; }
    public Reader Reader { get; }
    public Flusher Flusher { get; }
    /// <summary>The store or the source failing transiently: the pipeline waits, logs once, and readiness reports it.</summary>
    public Outage StoreOutage { get; }
    public Outage SourceOutage { get; }
    /// <summary>Where changes are published; null while this generation is not the one served.</summary>
    public volatile ChangeHub? Notifier;
    public CancellationToken Lifetime => _lifetime.Token;

    // Counters shared by the stages (written with Interlocked or by one owner, read by stats).
    public long EventsProcessed;
    public long PersistedEvents;
    public long PersistedBytes;
    public long ParkedEvents;
    public long RetiredAggregates;
    /// <summary>Set by <see cref="SignalFlush"/>, taken by the flusher: something waits to be written.</summary>
    public int FlushRequested;

    public ProjectionStatus Status => (ProjectionStatus)_status;
    /// <summary>The store refused a write because another host took the lease: stopped without an error.</summary>
    public bool LostLease => Volatile.Read(ref _lostLease) == 1;
    private int _lostLease;
    /// <summary>The runtime let go of this pipeline (a lease lost or expired, a switch made elsewhere): stopped on purpose, not failed.</summary>
    public bool Aborted => Volatile.Read(ref _aborted) == 1;
    private int _aborted;
    public Exception? Error => Volatile.Read(ref _error);
    public ProjectionCheckpoint? Checkpoint => _checkpoint;
    /// <summary>The reader has stopped for good: the flusher writes one last flush and ends.</summary>
    public bool FinalFlushRequested => Volatile.Read(ref _finalFlushRequested) == 1;
    /// <summary>Completes after the first flush that follows catching up (the rebuild switch waits on it).</summary>
    public Task CaughtUpAndFlushed => _caughtUpAndFlushed.Task;

    public GlobalPosition? Head
    {
        get { lock (_headSync) return _head; }
    }

    /// <summary>Raises the known head to <paramref name="position"/> if it is further; returns the head after.</summary>
    public GlobalPosition ObserveHead(GlobalPosition position)
    {
        lock (_headSync)
        {
            if (_head is not { } h || position > h) _head = position;
            return _head.Value;
        }
    }

    public void SetStatus(ProjectionStatus status)
    {
        if (_status != (int)ProjectionStatus.Stopped) _status = (int)status;
    }

    public Partition PartitionOf(string key) => Partitions[PartitionIndexOf(key)];

    public int PartitionIndexOf(string key) => KeyHash.Partition(key, Partitions.Length, Shards);

    /// <summary>The partition of <paramref name="key"/> when this shard owns it, else -1: one hash for both answers (the reader's per-key routing).</summary>
    public int LocalPartitionOf(string key) => KeyHash.PartitionInShard(key, Shard, Shards, Partitions.Length);

    /// <summary>Asks the flusher to flush now (something became dirty, an event was parked, the reader is paused).</summary>
    public void SignalFlush()
    {
        Volatile.Write(ref FlushRequested, 1);
        Flusher.Wake();
    }

    /// <summary>Loads persisted documents (warm start) and arms their timers, then starts the stages.</summary>
    public async Task StartAsync(ProjectionCheckpoint? checkpoint, CancellationToken ct)
    {
        _checkpoint = checkpoint;
        ParkedEvents = await StoreRetry.Run(c => Store.CountDeadLetters(Name, Generation, c), "Counting dead letters", this, ct).ConfigureAwait(false);
        var loaded = await LoadDocuments(ct).ConfigureAwait(false);
        Logger.LogInformation("Projection {Projection} generation {Generation} shard {Shard}/{Shards}: starting after {Checkpoint} with {Loaded} aggregates in memory",
            Name, Generation, Shard, Shards, checkpoint?.Position.ToString() ?? "the start", loaded);
        try { ObserveHead(await Source.ReadHeadPosition(ct).ConfigureAwait(false)); }
        catch (Exception ex) when (ex is not OperationCanceledException) { Logger.LogWarning(ex, "Reading the head position failed"); }

        Reader.Restore(checkpoint);
        SetStatus(ProjectionStatus.CatchingUp);
        var tasks = new List<Task>();
        foreach (var p in Partitions) tasks.Add(Task.Run(() => p.Run(Lifetime), CancellationToken.None));
        tasks.Add(Task.Run(Reader.Run, CancellationToken.None));
        tasks.Add(Task.Run(() => Flusher.Run(Lifetime), CancellationToken.None));
        tasks.Add(Task.Run(RefreshHead, CancellationToken.None));
        _tasks = tasks.ToArray();
        ProjectionMetrics.Register(this);
    }

    private async Task<int> LoadDocuments(CancellationToken ct)
    {
        var cap = Options.MaxLiveAggregates;
        int loaded = 0, skipped = 0;
        // The store streams every shard's documents; this shard keeps its own (filtered here, so every store serves shards as it is).
        await foreach (var doc in Store.LoadAllDocuments(Name, Generation, ct).ConfigureAwait(false))
        {
            if (!Owns(doc.Key)) continue;
            var partition = PartitionOf(doc.Key);
            if (Options.WarmStart && (cap is null || loaded < cap) && partition.UnderBudget && partition.LoadWarm(doc))
            {
                loaded++;
            }
            else
            {
                partition.TimersStayInStore();
                skipped++;
            }
        }
        foreach (var p in Partitions) p.AllPersistedInMemory = skipped == 0;
        return loaded;
    }

    private async Task RefreshHead()
    {
        while (!Lifetime.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Options.HeadRefreshInterval, Time, Lifetime).ConfigureAwait(false);
                ObserveHead(await Source.ReadHeadPosition(Lifetime).ConfigureAwait(false));
            }
            catch (OperationCanceledException) { return; }
            catch (Exception ex) { Logger.LogDebug(ex, "Reading the head position failed"); }
        }
    }

    /// <summary>Called by the flusher after a checkpoint was written.</summary>
    public void CheckpointWritten(ProjectionCheckpoint checkpoint, bool caughtUp)
    {
        _checkpoint = checkpoint;
        if (caughtUp) _caughtUpAndFlushed.TrySetResult();
        OnCheckpoint();
    }

    /// <summary>Stops the projection on an error: nothing after it is applied or checkpointed.</summary>
    public void Fail(Exception error)
    {
        if (Interlocked.CompareExchange(ref _error, error, null) is not null) return;
        _status = (int)ProjectionStatus.Stopped;
        Logger.LogError(error, "Projection {Projection} generation {Generation} stopped: {Message}", Name, Generation, error.Message);
        _caughtUpAndFlushed.TrySetException(error);
        _lifetime.Cancel();
        ProjectionMetrics.Unregister(this);
        OnCheckpoint();
    }

    /// <summary>
    /// Another host owns this shard now: stop at once, write nothing more, and leave no error (this is a
    /// hand-over, not a failure). The new owner resumes from the stored checkpoint.
    /// </summary>
    public void LoseLease(LeaseLostException reason)
    {
        if (Interlocked.Exchange(ref _lostLease, 1) == 1) return;
        _status = (int)ProjectionStatus.Stopped;
        Logger.LogWarning("Projection {Projection} generation {Generation}: {Message} This host stops writing it.", Name, Generation, reason.Message);
        _caughtUpAndFlushed.TrySetCanceled();
        _lifetime.Cancel();
        ProjectionMetrics.Unregister(this);
        OnCheckpoint();
    }

    /// <summary>Stops reading, flushes what was applied and writes the final checkpoint.</summary>
    /// <param name="abandon">Cancelled when the caller stops waiting: the final flush is abandoned (the checkpoint stays where it was).</param>
    public async Task StopAsync(CancellationToken abandon)
    {
        if (Interlocked.Exchange(ref _stopRequested, 1) == 1) return;
        await using var _ = abandon.Register(() => _lifetime.Cancel());
        Reader.StopReading();
        await Reader.Completion.ConfigureAwait(false);
        Volatile.Write(ref _finalFlushRequested, 1); // only now: the final barrier must follow the last event read
        Flusher.Wake();
        await Flusher.Completion.ConfigureAwait(false);
        await Shutdown().ConfigureAwait(false);
    }

    /// <summary>Stops without a final flush (a replaced generation whose storage is dropped next).</summary>
    public async Task AbortAsync()
    {
        Volatile.Write(ref _aborted, 1); // before the status turns Stopped: readers must never take a hand-over for a failure
        Interlocked.Exchange(ref _stopRequested, 1);
        Notifier = null;
        await Shutdown().ConfigureAwait(false);
    }

    private async Task Shutdown()
    {
        _status = (int)ProjectionStatus.Stopped;
        _lifetime.Cancel();
        try { await Task.WhenAll(_tasks).ConfigureAwait(false); }
        catch (Exception ex) when (ex is OperationCanceledException) { }
        ProjectionMetrics.Unregister(this);
        _caughtUpAndFlushed.TrySetCanceled();
        OnCheckpoint();
    }

    public long DirtyCount()
    {
        long n = 0;
        foreach (var p in Partitions) n += p.DirtyCount;
        return n;
    }

    public long LiveCount()
    {
        long n = 0;
        foreach (var p in Partitions) n += p.Count;
        return n;
    }

    public double EventsPerSecond() => _eventRate.Sample(Interlocked.Read(ref EventsProcessed));

    public double PositionsPerSecond() => _positionRate.Sample(Reader.Processed?.Commit ?? 0);
}
