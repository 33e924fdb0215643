using Microsoft.Extensions.Logging;
using Projections.Core.Events;

namespace Projections.Core.Pipeline;

internal static partial class LogMessages
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Projection {Projection} parked {EventType} {StreamId}@{Revision} (position {Position}): {Reason}")]
    public static partial void LogParked(this ILogger logger, string projection, string eventType, string streamId, ulong revision, GlobalPosition position, string reason);
}
