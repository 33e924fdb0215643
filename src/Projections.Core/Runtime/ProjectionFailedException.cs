using Projections.Core.Events;

namespace Projections.Core.Runtime;

/// <summary>
/// A projection stopped: a handler threw, a payload could not be deserialized, or the store refused a
/// write. The message names the projection and, for an event, its stream, event number, global
/// position and type, with the inner exception.
/// </summary>
public sealed class ProjectionFailedException : Exception
{
    public ProjectionFailedException(string projection, string message, Exception? inner = null) : base(message, inner)
    {
        Projection = projection;
    }

    public string Projection { get; }
    public string? StreamId { get; init; }
    public ulong? StreamRevision { get; init; }
    public GlobalPosition? Position { get; init; }
    public string? EventType { get; init; }
    /// <summary>The aggregate the failure concerns, when known.</summary>
    public string? Key { get; init; }
    /// <summary>For a failed timeout handler: the aggregate and the deadline of the timer.</summary>
    public string? TimerKey { get; init; }
    public DateTimeOffset? TimerDeadline { get; init; }

    /// <summary>The error for an event that could not be handled.</summary>
    public static ProjectionFailedException ForEvent(string projection, RecordedEvent e, string? key, Exception inner) =>
        new(projection, $"Projection '{projection}' stopped at event {e.StreamRevision} of stream '{e.StreamId}' " +
                        $"(global position {e.Position}, type '{e.EventType}'{(key is null ? "" : $", aggregate '{key}'")}): " +
                        $"{inner.GetType().Name}: {inner.Message}", inner)
        {
            StreamId = e.StreamId, StreamRevision = e.StreamRevision, Position = e.Position, EventType = e.EventType, Key = key,
        };

    /// <summary>The error for a timeout handler that threw.</summary>
    public static ProjectionFailedException ForTimeout(string projection, string key, DateTimeOffset deadline, Exception inner) =>
        new(projection, $"Projection '{projection}' stopped: the timeout handler of aggregate '{key}' (deadline {deadline:O}) failed: " +
                        $"{inner.GetType().Name}: {inner.Message}", inner) { Key = key, TimerKey = key, TimerDeadline = deadline };

    /// <summary>The error for a store write that cannot succeed by retrying.</summary>
    public static ProjectionFailedException ForWrite(string projection, int generation, string? key, Exception inner) =>
        new(projection, $"Projection '{projection}' stopped: the store refused to write " +
                        $"{(key is null ? "a batch" : $"aggregate '{key}'")} of generation {generation}: {inner.Message}", inner) { Key = key };
}

/// <summary>A rebuild was requested while the store records one in progress (started here or on another host).</summary>
public sealed class RebuildAlreadyRunningException(string message) : InvalidOperationException(message);
