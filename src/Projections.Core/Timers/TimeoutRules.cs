using Projections.Core.Projections;

namespace Projections.Core.Timers;

/// <summary>How a handler's timeout request changes an aggregate's deadline; shared by the engine and the replayer.</summary>
internal static class TimeoutRules
{
    public static DateTimeOffset? AfterEvent(DateTimeOffset? current, TimeoutRequest request) => request.Kind switch
    {
        TimeoutRequestKind.Set => request.Deadline,
        TimeoutRequestKind.Clear => null,
        _ => current,
    };

    /// <summary>After a timeout fired the deadline is cleared unless the handler scheduled a later one.</summary>
    public static DateTimeOffset? AfterTimeout(DateTimeOffset fired, TimeoutRequest request)
    {
        if (request.Kind != TimeoutRequestKind.Set) return null;
        if (request.Deadline <= fired)
            throw new InvalidOperationException(
                $"The timeout handler scheduled a new timeout at {request.Deadline:O}, which is not after the deadline that fired ({fired:O}); it would fire forever.");
        return request.Deadline;
    }
}
