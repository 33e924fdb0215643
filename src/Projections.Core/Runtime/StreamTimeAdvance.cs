namespace Projections.Core.Runtime;

/// <summary>Whether the wall clock moves a projection's stream time now, and if not, why (design.md "Stream time and timers").</summary>
public enum StreamTimeAdvance
{
    /// <summary>The engine option is off: only events move stream time.</summary>
    Disabled,
    /// <summary>The source lost its connection and has not caught up since.</summary>
    SourceDisconnected,
    /// <summary>The source is delivering what was written before (start, fell behind, a rebuild).</summary>
    CatchingUp,
    /// <summary>The latest event time was further behind the wall clock than the allowed lateness when the last event arrived (history, backfill, a slow upstream).</summary>
    EventsBehind,
    /// <summary>Caught up, but no event has arrived since the start to show the events are current.</summary>
    Idle,
    /// <summary>Events are current and stream time is within the allowed lateness of the wall clock: events move it.</summary>
    FollowingEvents,
    /// <summary>The wall clock moves stream time, up to now minus the allowed lateness.</summary>
    Advancing,
}
