using System.Collections.Concurrent;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.Core.Projections;
using Projections.Core.Runtime;
using Projections.Core.Timers;

namespace Projections.Core.Pipeline;

/// <summary>
/// One partition worker: owns the aggregates whose keys hash to it, their dirty set and timers. Single
/// threaded, so applying, marking dirty and handing over at a barrier never race (design.md invariant 2).
/// </summary>
internal sealed partial class Partition
{
    private readonly GenerationPipeline _pipeline;
    private readonly int _index;
    private readonly ConcurrentDictionary<string, AggregateEntry> _entries = new(StringComparer.Ordinal);
    private readonly List<AggregateEntry> _dirty = [];
    private readonly List<DeadLetter> _parked = [];
    private readonly TimerQueue _timers = new();
    private readonly EventContext _context = new();
    private readonly TimeoutContext _timeoutContext = new();
    private readonly IProjection _projection;
    private readonly int? _cap;
    private readonly long? _budget;
    private long _estimatedBytes;
    private bool _flushSignalled;
    private volatile int _dirtyCount;
    private int _count;

    public Partition(GenerationPipeline pipeline, int index)
    {
        _pipeline = pipeline;
        _index = index;
        _projection = pipeline.Projection;
        Keys = new PartitionKeyIndex(IndexSlots);
        var options = pipeline.Options;
        if (options.MaxLiveAggregates is { } max) _cap = Math.Max(1, (max + options.Partitions - 1) / options.Partitions);
        if (options.MemoryBudget is { } budget) _budget = Math.Max(1, budget / options.Partitions);
        Queue = new PartitionQueue(options.PartitionQueueCapacity);
    }

    /// <summary>True when every persisted aggregate of this partition is in memory, so an unknown key is new and needs no load.</summary>
    public bool AllPersistedInMemory { get; set; }
    public PartitionQueue Queue { get; }
    public int DirtyCount => _dirtyCount;
    public int Count => Volatile.Read(ref _count);
    /// <summary>Estimated bytes of the aggregates in memory (see <see cref="MemoryEstimate"/>).</summary>
    public long EstimatedBytes => Volatile.Read(ref _estimatedBytes);
    /// <summary>Armed timers; read from other threads for statistics only (a dictionary's count is one field).</summary>
    public int TimerCount => _timers.Count;

    public AggregateEntry? TryGet(string key) => _entries.GetValueOrDefault(key);

    /// <summary>The keys in memory, all and by declared field value, for queries on other threads.</summary>
    public PartitionKeyIndex Keys { get; }

    /// <summary>Before the worker starts: an aggregate loaded by warm start; false when it is finished (retired) and stays on disk.</summary>
    public bool LoadWarm(StoredDocument doc)
    {
        var entry = FromDocument(doc);
        if (_projection.Retirement is { } rule && rule.IsFinished(entry.Current.State))
        {
            TimersStayInStore();
            return false;
        }
        Insert(entry);
        if (doc.TimeoutAt is { } deadline) _timers.Arm(doc.Key, deadline);
        return true;
    }

    public async Task Run(CancellationToken ct)
    {
        try
        {
            while (await Queue.WaitToReadAsync(ct).ConfigureAwait(false))
                while (Queue.TryRead(out var batch))
                {
                    for (var i = 0; i < batch.Count; i++)
                        if (!await Handle(batch.Items[i], ct).ConfigureAwait(false)) return;
                    Queue.Recycle(batch);
                }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception ex)
        {
            _pipeline.Fail(ex as ProjectionFailedException ?? new ProjectionFailedException(_pipeline.Name,
                $"Projection '{_pipeline.Name}' stopped: partition {_index} failed: {ex.GetType().Name}: {ex.Message}", ex));
        }
    }

    private ValueTask<bool> Handle(in PartitionMessage m, CancellationToken ct) => m.Kind switch
    {
        PartitionMessageKind.Apply => Apply(m, ct),
        PartitionMessageKind.Tick => FireDue(m.StreamTime, ct),
        PartitionMessageKind.Barrier => HandleBarrier(m.Barrier!, ct),
        _ => Park(m.Parked!),
    };

    private async ValueTask<bool> Apply(PartitionMessage m, CancellationToken ct)
    {
        if (!await FireDue(m.StreamTime, ct).ConfigureAwait(false)) return false;
        var e = m.Event!;
        var key = m.Key!;
        var entry = await Find(key, ct).ConfigureAwait(false);
        var current = entry?.Current;
        if (current is not null && e.Position <= current.Position) return true; // invariant 4: already applied

        object next;
        try
        {
            var state = current?.State ?? _projection.CreateInitialState(key);
            var payload = m.Payload ?? m.Handler!.Deserialize(e.Data);
            _context.Reset(key, e, m.EventTime, m.StreamTime);
            next = m.Handler!.Apply(state, payload, _context)
                   ?? throw new InvalidOperationException($"The handler of '{e.EventType}' returned a null state.");
        }
        catch (Exception ex)
        {
            return Poison(e, key, ex);
        }

        var request = _context.Timeout;
        var timeout = TimeoutRules.AfterEvent(current?.TimeoutAt, request);
        var created = entry is null;
        if (entry is null)
        {
            // Complete before it is published: readers must never see a state without its version.
            entry = AggregateEntry.Created(key, next, e, m.Handler!.EventType, m.EventTime, timeout, _pipeline.Options.RecentEventsPerAggregate);
            Insert(entry);
        }
        else entry.ApplyEvent(next, e, m.Handler!.EventType, m.EventTime, timeout);
        // The entry's key, not the event's copy of it: the timer heap must not keep a string per event alive.
        if (request.Kind == TimeoutRequestKind.Set) _timers.Arm(entry.Key, request.Deadline);
        else if (request.Kind == TimeoutRequestKind.Clear) _timers.Disarm(key);
        Changed(entry, EntityChangeKind.Applied, m.StreamTime, indexedAlready: created);
        return true;
    }

    /// <summary>Fires every timer whose deadline is at or below <paramref name="streamTime"/> (design.md "Stream time and timers").</summary>
    private async ValueTask<bool> FireDue(DateTimeOffset streamTime, CancellationToken ct)
    {
        await PageInStoredTimers(streamTime, ct).ConfigureAwait(false);
        while (_timers.TryTakeDue(streamTime, out var key, out var deadline))
        {
            var entry = await Find(key, ct).ConfigureAwait(false);
            if (entry is null) continue;
            var current = entry.Current;
            if (current.TimeoutAt != deadline) continue; // stale: the stored deadline was cleared or moved
            object next;
            DateTimeOffset? again;
            try
            {
                _timeoutContext.Reset(key, deadline, streamTime);
                next = _projection.ApplyTimeout(current.State, _timeoutContext)
                       ?? throw new InvalidOperationException("The timeout handler returned a null state.");
                again = TimeoutRules.AfterTimeout(deadline, _timeoutContext.Timeout);
            }
            catch (Exception ex)
            {
                if (!_pipeline.ParksTimer(key, deadline, $"Timeout of aggregate '{key}' due {deadline:O}: {ex.GetType().Name}: {ex.Message}", out var reason))
                {
                    _pipeline.Fail(ProjectionFailedException.ForTimeout(_pipeline.Name, key, deadline, ex));
                    return false;
                }
                ParkTimer(entry, key, deadline, reason, streamTime);
                continue;
            }
            entry.ApplyTimeout(next, deadline, again);
            if (again is { } d) _timers.Arm(key, d);
            else _timers.Disarm(key); // loading it may have armed the deadline that just fired
            Changed(entry, EntityChangeKind.TimedOut, streamTime);
        }
        RetireDue(streamTime);
        RetirePersisted();
        return true;
    }

    private bool Poison(RecordedEvent e, string key, Exception ex)
    {
        if (!_pipeline.ParksEvent(e.Position, $"Aggregate '{key}': {ex.GetType().Name}: {ex.Message}", out var reason))
        {
            _pipeline.Fail(ProjectionFailedException.ForEvent(_pipeline.Name, e, key, ex));
            return false;
        }
        ParkLetter(new DeadLetter(e.Position, e.StreamId, e.StreamRevision, e.EventId, e.EventType, e.Data, e.Metadata, reason, _pipeline.Time.GetUtcNow()));
        return true;
    }

    /// <summary>
    /// A timer has no event to park: its dead letter carries the aggregate key and the deadline, at the
    /// aggregate's last position. The timer is dropped (the state stays as it was, with no timeout),
    /// and that change is written in the same flush as the dead letter.
    /// </summary>
    private void ParkTimer(AggregateEntry entry, string key, DateTimeOffset deadline, string reason, DateTimeOffset streamTime)
    {
        var current = entry.Current;
        entry.ApplyTimeout(current.State, deadline, null);
        Changed(entry, EntityChangeKind.TimedOut, streamTime);
        ParkLetter(new DeadLetter(current.Position, key, (ulong)current.Version, Guid.Empty, OperatorPark.TimeoutEventType,
            OperatorPark.TimerData(key, deadline), ReadOnlyMemory<byte>.Empty, reason, _pipeline.Time.GetUtcNow()));
    }

    private ValueTask<bool> Park(DeadLetter letter)
    {
        ParkLetter(letter);
        return ValueTask.FromResult(true);
    }

    private void ParkLetter(DeadLetter letter)
    {
        _parked.Add(letter);
        Interlocked.Increment(ref _pipeline.ParkedEvents);
        _pipeline.Logger.LogParked(_pipeline.Name, letter.EventType, letter.StreamId, letter.StreamRevision, letter.Position, letter.Reason);
        SignalFlush();
    }

    private async ValueTask<bool> HandleBarrier(Barrier barrier, CancellationToken ct)
    {
        if (!await FireDue(barrier.StreamTime, ct).ConfigureAwait(false)) return false;
        RecountFlushed();
        var dirty = new DirtySnapshot[_dirty.Count];
        for (var i = 0; i < dirty.Length; i++)
        {
            var entry = _dirty[i];
            dirty[i] = new DirtySnapshot(entry, entry.Current);
            entry.Dirty = false;
        }
        if (_budget is not null) _flushedSinceRecount.AddRange(_dirty);
        _dirty.Clear();
        _dirtyCount = 0;
        DeadLetter[] parked = _parked.Count == 0 ? [] : _parked.ToArray();
        _parked.Clear();
        _flushSignalled = false;
        barrier.HandOver(_index, new PartitionHandover(dirty, parked));
        return true;
    }

    /// <param name="indexedAlready">Inserted with this state, so its index values (and "finished") were just read.</param>
    private void Changed(AggregateEntry entry, EntityChangeKind kind, DateTimeOffset streamTime, bool indexedAlready = false)
    {
        if (!indexedAlready) Reindex(entry);
        ConsiderRetirement(entry, streamTime);
        if (!entry.Dirty)
        {
            entry.Dirty = true;
            _dirty.Add(entry);
            _dirtyCount = _dirty.Count;
        }
        SignalFlush();
        Touch(entry);
        _pipeline.Notifier?.Publish(entry, kind);
        EvictIfOverLimits();
    }

    private void SignalFlush()
    {
        if (_flushSignalled) return;
        _flushSignalled = true;
        _pipeline.SignalFlush();
    }
}
