using Projections.Core.Events;

namespace Projections.Core.Projections;

/// <summary>
/// Builds handler contexts outside the engine, so a projection's handlers can be unit-tested through
/// <see cref="IProjection"/> (TryGetHandler → Deserialize → Apply, ApplyTimeout) and the timeouts they
/// request can be inspected. The engine does not use this.
/// </summary>
public static class HandlerContexts
{
    public static EventContext ForEvent(string key, RecordedEvent e, DateTimeOffset eventTime, DateTimeOffset streamTime)
    {
        var context = new EventContext();
        context.Reset(key, e, eventTime, streamTime);
        return context;
    }

    public static TimeoutContext ForTimeout(string key, DateTimeOffset deadline, DateTimeOffset streamTime)
    {
        var context = new TimeoutContext();
        context.Reset(key, deadline, streamTime);
        return context;
    }

    /// <summary>The deadline the handler scheduled, or null when it scheduled none.</summary>
    public static DateTimeOffset? ScheduledDeadline(this EventContext context) =>
        context.Timeout.Kind == TimeoutRequestKind.Set ? context.Timeout.Deadline : null;

    /// <summary>True when the handler cancelled the aggregate's timeout.</summary>
    public static bool CancelledTimeout(this EventContext context) => context.Timeout.Kind == TimeoutRequestKind.Clear;

    /// <summary>The deadline the timeout handler scheduled next, or null when it scheduled none.</summary>
    public static DateTimeOffset? ScheduledDeadline(this TimeoutContext context) =>
        context.Timeout.Kind == TimeoutRequestKind.Set ? context.Timeout.Deadline : null;
}
