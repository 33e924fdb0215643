using Projections.Core.Events;

namespace Projections.EventStoreDb.Errors;

/// <summary>The server refused the operation for the configured user (PERMISSION_DENIED).</summary>
public sealed class AccessDeniedException(string message) : EventStoreException(message);

/// <summary>The server did not accept the credentials (UNAUTHENTICATED).</summary>
public sealed class NotAuthenticatedException(string message) : EventStoreException(message);

/// <summary>The node is not the leader; <see cref="LeaderHost"/> and <see cref="LeaderPort"/> name the leader when the server said which.</summary>
public sealed class NotLeaderException(string message, string? leaderHost, int? leaderPort) : EventStoreException(message)
{
    public string? LeaderHost { get; } = leaderHost;
    public int? LeaderPort { get; } = leaderPort;
}

/// <summary>An append was larger than the server's maximum append size (or, 25.0+, maximum event size).</summary>
public sealed class MaximumAppendSizeExceededException(string streamId, long? maximumBytes, string message) : EventStoreException(message)
{
    public string StreamId { get; } = streamId;
    public long? MaximumBytes { get; } = maximumBytes;
}

/// <summary>The server is older than this client supports, or lacks a call it needs.</summary>
public sealed class UnsupportedServerException(string message) : EventStoreException(message);
