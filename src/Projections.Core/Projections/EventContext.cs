using Projections.Core.Events;

namespace Projections.Core.Projections;

/// <summary>
/// What a handler knows besides the state and the payload, and how it sets or clears the aggregate's
/// timeout. The engine reuses one instance per partition: do not keep a reference to it.
/// </summary>
public sealed class EventContext
{
    /// <summary>The aggregate the event is being applied to.</summary>
    public string Key { get; internal set; } = "";
    /// <summary>The event as recorded (stream, revision, position, type, recorded time).</summary>
    public RecordedEvent Event { get; internal set; } = null!;
    /// <summary>The event's time: its recorded time, or the payload field the projection named.</summary>
    public DateTimeOffset EventTime { get; internal set; }
    /// <summary>The projection's stream time: the highest event time seen up to and including this event.</summary>
    public DateTimeOffset StreamTime { get; internal set; }

    internal TimeoutRequest Timeout;

    /// <summary>Fires the projection's timeout handler for this aggregate once stream time reaches <paramref name="deadline"/>. Replaces any earlier timeout.</summary>
    public void ScheduleTimeout(DateTimeOffset deadline) => Timeout = TimeoutRequest.Set(deadline);

    /// <summary>Schedules the timeout <paramref name="after"/> this event's time.</summary>
    public void ScheduleTimeout(TimeSpan after) => ScheduleTimeout(EventTime + after);

    /// <summary>Removes the aggregate's pending timeout, if any.</summary>
    public void CancelTimeout() => Timeout = TimeoutRequest.Clear;

    internal void Reset(string key, RecordedEvent e, DateTimeOffset eventTime, DateTimeOffset streamTime)
    {
        Key = key; Event = e; EventTime = eventTime; StreamTime = streamTime; Timeout = default;
    }
}

/// <summary>Context of a timeout handler call.</summary>
public sealed class TimeoutContext
{
    public string Key { get; internal set; } = "";
    /// <summary>The deadline that fired. Deterministic: use it, not a clock, in the new state.</summary>
    public DateTimeOffset Deadline { get; internal set; }
    /// <summary>
    /// The stream time at which the engine noticed the deadline. It depends on the partition count and on
    /// flush timing (a timer may be noticed at a later event, a tick or a flush), so it differs between a
    /// live run and a rebuild: do not put it in the state (design.md invariant 5), use <see cref="Deadline"/>.
    /// </summary>
    public DateTimeOffset StreamTime { get; internal set; }

    internal TimeoutRequest Timeout;

    /// <summary>Schedules another timeout for this aggregate (for example a second escalation).</summary>
    public void ScheduleTimeout(DateTimeOffset deadline) => Timeout = TimeoutRequest.Set(deadline);

    internal void Reset(string key, DateTimeOffset deadline, DateTimeOffset streamTime)
    {
        Key = key; Deadline = deadline; StreamTime = streamTime; Timeout = default;
    }
}

internal readonly record struct TimeoutRequest(TimeoutRequestKind Kind, DateTimeOffset Deadline)
{
    public static TimeoutRequest Set(DateTimeOffset deadline) => new(TimeoutRequestKind.Set, deadline);
    public static readonly TimeoutRequest Clear = new(TimeoutRequestKind.Clear, default);
}

internal enum TimeoutRequestKind { None, Set, Clear }
