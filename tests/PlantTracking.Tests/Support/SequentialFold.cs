using Projections.Core.Events;
using Projections.Core.Projections;

namespace PlantTracking.Tests.Support;

/// <summary>
/// Folds events through a projection one at a time on one thread, firing timeouts on stream time the
/// way the engine's contract describes. A reference fold for testing handlers over a realistic workload;
/// it is not the engine (no partitions, no store). <paramref name="afterApply"/>, when given, rewrites
/// every state a handler or timeout returns before it is kept.
/// </summary>
public sealed class SequentialFold(IProjection projection, Func<object, object>? afterApply = null)
{
    private readonly Dictionary<string, DateTimeOffset> _deadlines = new(StringComparer.Ordinal);

    public Dictionary<string, object> States { get; } = new(StringComparer.Ordinal);
    public DateTimeOffset StreamTime { get; private set; } = DateTimeOffset.MinValue;
    public int TimeoutsFired { get; private set; }

    public void ApplyAll(IEnumerable<RecordedEvent> events)
    {
        foreach (var e in events) Apply(e);
    }

    public void Apply(RecordedEvent e)
    {
        if (!projection.Filter.Matches(e.StreamId, e.EventType) || !projection.TryGetHandler(e.EventType, out var handler)) return;
        var payload = handler.Deserialize(e.Data);
        var keys = new List<string>();
        handler.CollectKeys(e, payload, keys);
        var eventTime = handler.EventTime(e, payload);
        if (eventTime > StreamTime) StreamTime = eventTime;
        FireDue();
        foreach (var key in keys)
        {
            var context = HandlerContexts.ForEvent(key, e, eventTime, StreamTime);
            States[key] = Keep(handler.Apply(State(key), payload, context));
            if (context.ScheduledDeadline() is { } deadline) _deadlines[key] = deadline;
            else if (context.CancelledTimeout()) _deadlines.Remove(key);
        }
    }

    private object Keep(object state) => afterApply is null ? state : afterApply(state);

    private object State(string key) => States.TryGetValue(key, out var state) ? state : projection.CreateInitialState(key);

    private void FireDue()
    {
        while (true)
        {
            var due = _deadlines.Where(d => d.Value <= StreamTime)
                .OrderBy(d => d.Value).ThenBy(d => d.Key, StringComparer.Ordinal)
                .Select(d => (KeyValuePair<string, DateTimeOffset>?)d).FirstOrDefault();
            if (due is not { } fire) return;
            _deadlines.Remove(fire.Key);
            var context = HandlerContexts.ForTimeout(fire.Key, fire.Value, StreamTime);
            States[fire.Key] = Keep(projection.ApplyTimeout(State(fire.Key), context));
            TimeoutsFired++;
            if (context.ScheduledDeadline() is { } next) _deadlines[fire.Key] = next;
        }
    }
}
