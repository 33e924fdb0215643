using Projections.Core.Runtime;

namespace Projections.Hosting.Web;

/// <summary>
/// What a stopped projection stopped on, when "park this event and continue" can pass it: the event
/// (position, stream, revision, type) or the timer (aggregate key and deadline).
/// </summary>
internal sealed record PoisonSummary(string? Position, string? StreamId, ulong? StreamRevision, string? EventType, string? TimerKey, DateTimeOffset? TimerDeadline)
{
    public static PoisonSummary? From(IProjectionRuntime runtime) =>
        runtime.Status == ProjectionStatus.Stopped && runtime.Error is ProjectionFailedException failure && (failure.Position is not null || failure.TimerKey is not null)
            ? new PoisonSummary(failure.Position?.ToString(), failure.StreamId, failure.StreamRevision, failure.EventType, failure.TimerKey, failure.TimerDeadline)
            : null;
}
