using Projections.Core.Events;
using Projections.Core.Pipeline;
using Projections.Core.Ports;
using Projections.Core.Projections;
using Projections.Core.Runtime;
using Projections.Core.Timers;

namespace Projections.Core.Replay;

/// <summary>
/// The reference fold: applies events one by one, single-threaded, with exactly the engine's semantics
/// (filter, keys and fan-out, idempotence by position, stream time, timers fired before the first event
/// stamped at or after their deadline, poison policy). Used by <c>verify</c>, benchmarks and determinism tests.
/// </summary>
public sealed class ProjectionReplayer
{
    private readonly IProjection _projection;
    private readonly Dictionary<string, Aggregate> _aggregates = new(StringComparer.Ordinal);
    private readonly TimerQueue _timers = new();
    private readonly EventContext _context = new();
    private readonly TimeoutContext _timeoutContext = new();
    private readonly List<string> _keys = [];
    private readonly List<GlobalPosition> _parked = [];
    private DateTimeOffset _streamTime = DateTimeOffset.MinValue;
    private GlobalPosition? _position;

    private readonly IReadOnlySet<GlobalPosition> _parkedInStore;
    private readonly ReplayFocus? _focus;
    private readonly IReadOnlySet<string>? _onlyKeys;

    /// <param name="parkedInStore">Positions the store holds dead letters for: an event there that fails is parked as the engine did, whatever the policy.</param>
    /// <param name="focus">When given, only that key is folded (other events still move stream time) and each of its steps is reported.</param>
    /// <param name="onlyKeys">When given, only these keys are folded (other events still move stream time): a sample checked against the store.</param>
    public ProjectionReplayer(IProjection projection, IReadOnlySet<GlobalPosition>? parkedInStore = null, ReplayFocus? focus = null, IReadOnlySet<string>? onlyKeys = null)
    {
        _projection = projection ?? throw new ArgumentNullException(nameof(projection));
        _parkedInStore = parkedInStore ?? new HashSet<GlobalPosition>();
        _focus = focus;
        _onlyKeys = onlyKeys;
    }

    /// <summary>Folds every event of <paramref name="events"/>, then advances stream time to <paramref name="finalStreamTime"/> when given.</summary>
    public static ReplayResult Replay(IProjection projection, IEnumerable<RecordedEvent> events, DateTimeOffset? finalStreamTime = null)
    {
        var replayer = new ProjectionReplayer(projection);
        foreach (var e in events) replayer.Apply(e);
        if (finalStreamTime is { } t) replayer.AdvanceStreamTime(t);
        return replayer.ToResult();
    }

    /// <summary>Folds the source's events up to and including <paramref name="upTo"/> (all when null), then advances stream time.</summary>
    public static async Task<ReplayResult> Replay(IProjection projection, IEventSource source, GlobalPosition? upTo, DateTimeOffset? finalStreamTime, CancellationToken cancellationToken,
        IReadOnlySet<GlobalPosition>? parkedInStore = null)
    {
        var replayer = new ProjectionReplayer(projection, parkedInStore);
        await foreach (var e in source.ReadAllForward(null, projection.Filter, cancellationToken).ConfigureAwait(false))
        {
            if (upTo is { } limit && e.Position > limit) break;
            replayer.Apply(e);
        }
        if (finalStreamTime is { } t) replayer.AdvanceStreamTime(t);
        return replayer.ToResult();
    }

    public void Apply(RecordedEvent e)
    {
        if (!EventRouting.TryGetHandler(_projection, e, out var handler))
        {
            Advance(e.Position);
            return;
        }
        if (_position is { } last && e.Position <= last) return;
        object? payload;
        DateTimeOffset eventTime;
        try
        {
            eventTime = EventRouting.Route(handler, e, _keys, out payload);
        }
        catch (Exception ex)
        {
            Poison(e, null, ex);
            Advance(e.Position);
            return;
        }
        if (eventTime > _streamTime) _streamTime = eventTime;
        FireDue(_streamTime, e.Position);
        for (var i = 0; i < _keys.Count; i++)
        {
            if (_keys.IndexOf(_keys[i]) < i) continue;
            if (_focus is { } focus && !string.Equals(focus.Key, _keys[i], StringComparison.Ordinal)) continue;
            if (_onlyKeys is { } only && !only.Contains(_keys[i])) continue;
            ApplyTo(_keys[i], e, handler, payload, eventTime);
        }
        Advance(e.Position);
    }

    /// <summary>Moves stream time forward (never back) and fires the timers that are due, as the engine's ticks do.</summary>
    public void AdvanceStreamTime(DateTimeOffset time)
    {
        if (time > _streamTime) _streamTime = time;
        if (_streamTime != DateTimeOffset.MinValue) FireDue(_streamTime, null);
    }

    /// <summary>The live state of <paramref name="key"/> (the object the handlers returned), or null when no event created it.</summary>
    public object? StateOf(string key) => _aggregates.TryGetValue(key, out var aggregate) ? aggregate.State : null;

    public ReplayResult ToResult() => new(
        _aggregates.ToDictionary(a => a.Key, a => new ReplayedAggregate(a.Key, _projection.SerializeState(a.Value.State), a.Value.Version, a.Value.Position, a.Value.TimeoutAt), StringComparer.Ordinal),
        _position,
        _streamTime == DateTimeOffset.MinValue ? null : _streamTime,
        _parked.ToArray());

    private void ApplyTo(string key, RecordedEvent e, IProjectionEventHandler handler, object? payload, DateTimeOffset eventTime)
    {
        _aggregates.TryGetValue(key, out var aggregate);
        if (aggregate is { HasPosition: true } && e.Position <= aggregate.Position) return;
        object next;
        try
        {
            var state = aggregate?.State ?? _projection.CreateInitialState(key);
            _context.Reset(key, e, eventTime, _streamTime);
            next = handler.Apply(state, payload ?? handler.Deserialize(e.Data), _context)
                   ?? throw new InvalidOperationException($"The handler of '{e.EventType}' returned a null state.");
        }
        catch (Exception ex)
        {
            Poison(e, key, ex);
            return;
        }
        aggregate ??= _aggregates[key] = new Aggregate();
        aggregate.State = next;
        aggregate.Version++;
        aggregate.Position = e.Position;
        aggregate.HasPosition = true;
        aggregate.TimeoutAt = TimeoutRules.AfterEvent(aggregate.TimeoutAt, _context.Timeout);
        if (_context.Timeout.Kind == TimeoutRequestKind.Set) _timers.Arm(key, _context.Timeout.Deadline);
        else if (_context.Timeout.Kind == TimeoutRequestKind.Clear) _timers.Disarm(key);
        _focus?.OnStep(new ReplayStep(key, e, eventTime, null, e.Position, aggregate.State, aggregate.Version, aggregate.TimeoutAt));
    }

    /// <param name="trigger">The event whose time made the timers due (null when stream time moved without one).</param>
    private void FireDue(DateTimeOffset streamTime, GlobalPosition? trigger)
    {
        while (_timers.TryTakeDue(streamTime, out var key, out var deadline))
        {
            if (!_aggregates.TryGetValue(key, out var aggregate)) continue;
            if (aggregate.TimeoutAt != deadline) continue;
            try
            {
                _timeoutContext.Reset(key, deadline, streamTime);
                aggregate.State = _projection.ApplyTimeout(aggregate.State, _timeoutContext)
                                  ?? throw new InvalidOperationException("The timeout handler returned a null state.");
                aggregate.TimeoutAt = TimeoutRules.AfterTimeout(deadline, _timeoutContext.Timeout);
            }
            catch (Exception ex)
            {
                if (_projection.PoisonPolicy == PoisonEventPolicy.Stop && !_parkedInStore.Contains(aggregate.Position))
                    throw ProjectionFailedException.ForTimeout(_projection.Name, key, deadline, ex);
                aggregate.TimeoutAt = null; // parked as the engine does: the timer is dropped, the state kept
                _parked.Add(aggregate.Position);
            }
            aggregate.Version++;
            if (aggregate.TimeoutAt is { } again) _timers.Arm(key, again);
            _focus?.OnStep(new ReplayStep(key, null, deadline, deadline, trigger, aggregate.State, aggregate.Version, aggregate.TimeoutAt));
        }
    }

    private void Poison(RecordedEvent e, string? key, Exception ex)
    {
        if (_projection.PoisonPolicy == PoisonEventPolicy.Stop && !_parkedInStore.Contains(e.Position))
            throw ProjectionFailedException.ForEvent(_projection.Name, e, key, ex);
        if (_parked.Count == 0 || _parked[^1] != e.Position) _parked.Add(e.Position);
    }

    private void Advance(GlobalPosition position)
    {
        if (_position is not { } p || position > p) _position = position;
    }

    private sealed class Aggregate
    {
        public object State = null!;
        public long Version;
        public GlobalPosition Position;
        public bool HasPosition;
        public DateTimeOffset? TimeoutAt;
    }
}
