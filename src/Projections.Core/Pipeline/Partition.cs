using System.Collections.Concurrent;
using System.Threading.Channels;
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
    private readonly Channel<PartitionMessage> _channel;
    private readonly ConcurrentDictionary<string, AggregateEntry> _entries = new(StringComparer.Ordinal);
    private readonly List<AggregateEntry> _dirty = [];
    private readonly List<DeadLetter> _parked = [];
    private readonly TimerQueue _timers = new();
    private readonly EventContext _context = new();
    private readonly TimeoutContext _timeoutContext = new();
    private readonly IProjection _projection;
    private readonly int? _cap;
    private bool _flushSignalled;
    private volatile int _dirtyCount;

    public Partition(GenerationPipeline pipeline, int index)
    {
        _pipeline = pipeline;
        _index = index;
        _projection = pipeline.Projection;
        var options = pipeline.Options;
        if (options.MaxLiveAggregates is { } max) _cap = Math.Max(1, (max + options.Partitions - 1) / options.Partitions);
        _channel = Channel.CreateBounded<PartitionMessage>(new BoundedChannelOptions(options.PartitionQueueCapacity)
        {
            SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>True when every persisted aggregate of this partition is in memory, so an unknown key is new and needs no load.</summary>
    public bool AllPersistedInMemory { get; set; }
    public ChannelWriter<PartitionMessage> Writer => _channel.Writer;
    public int DirtyCount => _dirtyCount;
    public int Count => _entries.Count;

    public AggregateEntry? TryGet(string key) => _entries.GetValueOrDefault(key);

    /// <summary>The aggregates in memory; safe to enumerate from other threads while the partition runs.</summary>
    public IEnumerable<AggregateEntry> Entries => _entries.Values;

    /// <summary>Before the worker starts: an aggregate loaded by warm start.</summary>
    public void LoadWarm(StoredDocument doc)
    {
        var entry = FromDocument(doc);
        Insert(entry);
        if (doc.TimeoutAt is { } deadline) _timers.Arm(doc.Key, deadline);
    }

    /// <summary>Before the worker starts: the timer of a persisted aggregate that stays on disk.</summary>
    public void ArmTimer(string key, DateTimeOffset deadline) => _timers.Arm(key, deadline);

    public async Task Run(CancellationToken ct)
    {
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
                while (reader.TryRead(out var message))
                    if (!await Handle(message, ct).ConfigureAwait(false)) return;
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
        if (entry is null)
        {
            // Complete before it is published: readers must never see a state without its version.
            entry = AggregateEntry.Created(key, next, e, m.EventTime, timeout, _pipeline.Options.RecentEventsPerAggregate);
            Insert(entry);
        }
        else entry.ApplyEvent(next, e, m.EventTime, timeout);
        if (request.Kind == TimeoutRequestKind.Set) _timers.Arm(key, request.Deadline);
        Changed(entry, EntityChangeKind.Applied);
        return true;
    }

    /// <summary>Fires every timer whose deadline is at or below <paramref name="streamTime"/> (design.md "Stream time and timers").</summary>
    private async ValueTask<bool> FireDue(DateTimeOffset streamTime, CancellationToken ct)
    {
        while (_timers.TryTakeDue(streamTime, out var key, out var deadline))
        {
            var entry = await Find(key, ct).ConfigureAwait(false);
            if (entry is null) continue;
            var current = entry.Current;
            if (current.TimeoutAt != deadline) // stale: cleared or moved since armed
            {
                _timers.RearmIfLater(key, deadline, current.TimeoutAt);
                continue;
            }
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
                _pipeline.Fail(ProjectionFailedException.ForTimeout(_pipeline.Name, key, deadline, ex));
                return false;
            }
            entry.ApplyTimeout(next, deadline, again);
            if (again is { } d) _timers.Arm(key, d);
            Changed(entry, EntityChangeKind.TimedOut);
        }
        return true;
    }

    private bool Poison(RecordedEvent e, string key, Exception ex)
    {
        if (_projection.PoisonPolicy == PoisonEventPolicy.Stop)
        {
            _pipeline.Fail(ProjectionFailedException.ForEvent(_pipeline.Name, e, key, ex));
            return false;
        }
        var reason = $"Aggregate '{key}': {ex.GetType().Name}: {ex.Message}";
        ParkLetter(new DeadLetter(e.Position, e.StreamId, e.StreamRevision, e.EventId, e.EventType, e.Data, e.Metadata, reason, _pipeline.Time.GetUtcNow()));
        return true;
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
        var dirty = new DirtySnapshot[_dirty.Count];
        for (var i = 0; i < dirty.Length; i++)
        {
            var entry = _dirty[i];
            dirty[i] = new DirtySnapshot(entry, entry.Current);
            entry.Dirty = false;
        }
        _dirty.Clear();
        _dirtyCount = 0;
        DeadLetter[] parked = _parked.Count == 0 ? [] : _parked.ToArray();
        _parked.Clear();
        _flushSignalled = false;
        barrier.HandOver(_index, new PartitionHandover(dirty, parked));
        return true;
    }

    private void Changed(AggregateEntry entry, EntityChangeKind kind)
    {
        if (!entry.Dirty)
        {
            entry.Dirty = true;
            _dirty.Add(entry);
            _dirtyCount = _dirty.Count;
        }
        SignalFlush();
        Touch(entry);
        _pipeline.Notifier?.Publish(entry, kind);
        EvictIfOverCap();
    }

    private void SignalFlush()
    {
        if (_flushSignalled) return;
        _flushSignalled = true;
        _pipeline.SignalFlush();
    }
}
