using Projections.Core.Runtime;

namespace Projections.Core.Timers;

/// <summary>Where the source stands, as the reader last heard from it.</summary>
internal enum SourceState { CatchingUp, Live, Disconnected }

/// <summary>
/// The one rule for moving stream time by the wall clock (design.md "Stream time and timers"): only while
/// the source is connected and caught up, only when the latest event time was within the allowed lateness
/// of the wall clock when the last event arrived, and only up to now minus the allowed lateness. An event
/// that arrives within the allowed lateness of its time then never finds stream time past it, so its
/// aggregate's timers fire between the same events live and in a rebuild.
/// </summary>
internal static class WallClockRule
{
    /// <param name="leadAtLastEvent">Wall clock minus the latest event time, taken when the last event arrived; null before the first.</param>
    /// <param name="target">Where stream time may move: now minus the allowed lateness (meaningful for <see cref="StreamTimeAdvance.Advancing"/>).</param>
    public static StreamTimeAdvance Evaluate(bool enabled, SourceState source, TimeSpan? leadAtLastEvent, DateTimeOffset now,
        DateTimeOffset streamTime, TimeSpan allowedLateness, out DateTimeOffset target)
    {
        target = now - allowedLateness;
        if (!enabled) return StreamTimeAdvance.Disabled;
        if (source == SourceState.Disconnected) return StreamTimeAdvance.SourceDisconnected;
        if (source == SourceState.CatchingUp) return StreamTimeAdvance.CatchingUp;
        if (leadAtLastEvent is not { } lead) return StreamTimeAdvance.Idle;
        if (lead > allowedLateness) return StreamTimeAdvance.EventsBehind;
        return target >= streamTime ? StreamTimeAdvance.Advancing : StreamTimeAdvance.FollowingEvents;
    }
}
