namespace Projections.Core.Events;

/// <summary>Base of errors reported by an event store; the message names the stream and what was wrong.</summary>
public class EventStoreException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class WrongExpectedVersionException(string streamId, ExpectedRevision expected, ulong? actualRevision)
    : EventStoreException($"Append to stream '{streamId}' expected revision {expected} but the stream is at {(actualRevision is { } a ? a.ToString() : "no stream")}.")
{
    public string StreamId { get; } = streamId;
    public ExpectedRevision Expected { get; } = expected;
    /// <summary>The stream's actual last revision; null when the stream does not exist.</summary>
    public ulong? ActualRevision { get; } = actualRevision;
}

public sealed class StreamDeletedException(string streamId)
    : EventStoreException($"Stream '{streamId}' is deleted.")
{
    public string StreamId { get; } = streamId;
}

/// <summary>The store cannot be reached or answered with a transient failure; the operation may be retried.</summary>
public sealed class EventStoreUnavailableException(string message, Exception? inner = null) : EventStoreException(message, inner);
