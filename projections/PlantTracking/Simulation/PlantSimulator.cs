using Projections.Core.Ports;

namespace PlantTracking.Simulation;

/// <summary>
/// Appends a realistic plant workload to an <see cref="IEventStore"/>: items registered with a plan,
/// detected station after station every few minutes of plant time, with late, duplicated and
/// out-of-order deliveries, skipped and unplanned stations, over-dwell, plan changes, annotations,
/// items that stop being detected (some come back), and completions.
/// <para>
/// Plant time is simulated: it advances from one item's move to the next (a discrete-event agenda), not
/// with the wall clock. Appends are batched with <c>AppendMany</c>, one request per stream with its exact
/// expected revision (or <c>Any</c>, see <see cref="PlantSimulatorOptions.AnyRevision"/>).
/// </para>
/// <para>
/// Resuming: calling <see cref="RunAsync"/> again on the same instance continues where the previous call
/// stopped (same items, same plant time, held-back deliveries included). A new instance over a store
/// that already holds items starts a new batch of items, numbered after the highest existing item, at
/// plant time after the latest registration; items left in flight by an earlier process are not moved
/// again and become Lost.
/// </para>
/// </summary>
public sealed class PlantSimulator : IEventSink
{
    private readonly IEventStore _store;
    private readonly TimeProvider _time;
    private readonly PriorityQueue<SimulatedItem, (DateTimeOffset, long)> _agenda = new();
    private readonly PriorityQueue<PendingEvent, (DateTimeOffset, long)> _heldBack = new();
    private SimulationCounters _counters = new();
    private Random _random = null!;
    private ItemMoves _moves = null!;
    private AppendBatcher _batcher = null!;
    private long _sequence;
    private long _nextItemNumber;
    private long _totalAppended;
    private long _runProduced;
    private long _runAppended;
    private int _running;
    private bool _initialized;

    public PlantSimulator(IEventStore store, PlantSimulatorOptions? options = null, TimeProvider? timeProvider = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        Options = options ?? new PlantSimulatorOptions();
        Options.Validate();
        _time = timeProvider ?? TimeProvider.System;
    }

    public PlantSimulatorOptions Options { get; }

    /// <summary>The simulated plant time reached so far.</summary>
    public DateTimeOffset PlantTime { get; private set; }

    /// <summary>
    /// Appends until <see cref="PlantSimulatorOptions.TotalEvents"/> events were appended, the
    /// <see cref="PlantSimulatorOptions.Duration"/> passed, or <paramref name="cancellationToken"/> is
    /// cancelled (then it appends what it already produced and returns normally; only a cancellation while
    /// the first run reads the store for its resume point throws). Reports progress at most
    /// every <see cref="PlantSimulatorOptions.ProgressInterval"/> and once at the end.
    /// </summary>
    public async Task<SimulationProgress> RunAsync(IProgress<SimulationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
            throw new InvalidOperationException("This simulator is already running; await the running RunAsync first.");
        try
        {
            _counters = new SimulationCounters();
            if (!_initialized) await Initialize(cancellationToken).ConfigureAwait(false);
            _moves.Counters = _counters;
            _runProduced = 0;
            _runAppended = 0;
            var started = _time.GetTimestamp();
            var lastReport = started;
            var batchSize = Options.EventsPerSecond is { } rate ? Math.Clamp((int)(rate / 20), 1, Options.BatchSize) : Options.BatchSize;

            while (!cancellationToken.IsCancellationRequested && !DurationOver(started) && !CapReached())
            {
                Step();
                if (_batcher.Count < batchSize) continue;
                await Append().ConfigureAwait(false);
                await Pace(started, cancellationToken).ConfigureAwait(false);
                if (progress is not null && _time.GetElapsedTime(lastReport) >= Options.ProgressInterval)
                {
                    lastReport = _time.GetTimestamp();
                    progress.Report(Snapshot(started, finished: false));
                }
            }
            await Append().ConfigureAwait(false);
            var final = Snapshot(started, finished: true);
            progress?.Report(final);
            return final;
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    void IEventSink.Emit(SimulatedItem item, string eventType, byte[] data, DateTimeOffset? deliverAt)
    {
        var e = new PendingEvent(item, eventType, data);
        if (deliverAt is { } at && at > PlantTime) _heldBack.Enqueue(e, (at, _sequence++));
        else Deliver(e);
    }

    private async Task Initialize(CancellationToken cancellationToken)
    {
        var resume = await ResumePoint.Find(_store, cancellationToken).ConfigureAwait(false);
        _nextItemNumber = resume.NextItemNumber;
        PlantTime = Options.StartTime
            ?? resume.LatestRegistration?.AddMinutes(1)
            ?? (Options.Seed is null ? TruncateToSeconds(_time.GetUtcNow()) : PlantSimulatorOptions.DefaultEpoch);
        _random = Options.Seed is { } seed ? new Random(unchecked(seed * 31 + (int)_nextItemNumber)) : new Random();
        _moves = new ItemMoves(Options, _random, this);
        _batcher = new AppendBatcher(_store, Options.AnyRevision, () => ItemMoves.NewGuid(_random));
        for (var i = 0; i < Options.Items; i++)
            StartItem(PlantTime + TimeSpan.FromSeconds(_random.Next((int)Options.MaxDwell.TotalSeconds + 1)));
        _initialized = true;
    }

    /// <summary>Delivers what is due before the next move, then makes that move.</summary>
    private void Step()
    {
        var item = _agenda.Peek();
        while (!CapReached() && _heldBack.TryPeek(out var held, out var due) && due.Item1 <= item.NextMoveAt)
        {
            _heldBack.Dequeue();
            Deliver(held);
        }
        if (CapReached()) return;

        _agenda.Dequeue();
        if (item.NextMoveAt > PlantTime) PlantTime = item.NextMoveAt;
        switch (_moves.Move(item, PlantTime))
        {
            case MoveResult.Continue:
                _agenda.Enqueue(item, (item.NextMoveAt, _sequence++));
                break;
            default:
                StartItem(PlantTime + TimeSpan.FromSeconds(_random.Next(0, 121)));
                break;
        }
    }

    private void StartItem(DateTimeOffset at)
    {
        var item = new SimulatedItem(SimulationText.ItemId(_nextItemNumber++)) { NextMoveAt = at };
        _agenda.Enqueue(item, (at, _sequence++));
        _counters.ItemsStarted++;
    }

    /// <summary>Into the current batch, or held back for the next run once this run's event count is reached.</summary>
    private void Deliver(PendingEvent e)
    {
        if (CapReached()) { _heldBack.Enqueue(e, (PlantTime, _sequence++)); return; }
        _batcher.Add(e);
        _runProduced++;
    }

    private async Task Append()
    {
        var appended = await _batcher.Flush().ConfigureAwait(false);
        _runAppended += appended;
        _totalAppended += appended;
    }

    private async Task Pace(long started, CancellationToken cancellationToken)
    {
        if (Options.EventsPerSecond is not { } rate) return;
        var ahead = TimeSpan.FromSeconds(_runAppended / rate) - _time.GetElapsedTime(started);
        if (Options.Duration is { } duration) ahead = TimeSpan.FromTicks(Math.Min(ahead.Ticks, (duration - _time.GetElapsedTime(started)).Ticks));
        if (ahead <= TimeSpan.Zero) return;
        try { await Task.Delay(ahead, _time, cancellationToken).ConfigureAwait(false); }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
    }

    private bool CapReached() => Options.TotalEvents is { } cap && _runProduced >= cap;

    private bool DurationOver(long started) => Options.Duration is { } d && _time.GetElapsedTime(started) >= d;

    private SimulationProgress Snapshot(long started, bool finished)
    {
        var elapsed = _time.GetElapsedTime(started);
        var c = _counters;
        return new SimulationProgress(
            _runAppended, _totalAppended, elapsed,
            elapsed > TimeSpan.Zero ? _runAppended / elapsed.TotalSeconds : 0,
            PlantTime, c.ItemsStarted, c.ItemsCompleted, c.ItemsLost, c.Duplicates, c.LateDeliveries,
            c.OutOfOrderDeliveries, c.PlanChanges, c.Annotations, _heldBack.Count, finished);
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
