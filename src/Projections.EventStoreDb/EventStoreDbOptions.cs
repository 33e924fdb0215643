namespace Projections.EventStoreDb;

/// <summary>Client behaviour that is not part of the connection string.</summary>
public sealed record EventStoreDbOptions
{
    /// <summary>First pause before a subscription reconnects after a transient failure; doubles up to <see cref="ReconnectMaxDelay"/>.</summary>
    public TimeSpan ReconnectInitialDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    public TimeSpan ReconnectMaxDelay { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>
    /// How long a call keeps retrying while the server is away (for instance while it restarts). Calls
    /// that provably wrote nothing (connection refused, not ready) are always retried; reads and appends
    /// with an exact or no-stream expectation (deduplicated by event id) also after unknown outcomes.
    /// </summary>
    public TimeSpan TransientRetryTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Events per page for finite reads.</summary>
    public int ReadPageSize { get; init; } = 2048;
    /// <summary>
    /// How long a live subscription may hear nothing before it checks whether the head moved past
    /// only non-matching events, and reports that progress as a checkpoint.
    /// </summary>
    public TimeSpan LiveIdleCheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>
    /// How long a live subscription may stay silent while the server holds a matching event after its last
    /// position (seen by the idle check). Then the subscription is taken for stalled: it is dropped and
    /// resubscribes after its last position, so a stream the server stopped serving does not stop the
    /// projection for good. A slow server still sends something within this time.
    /// </summary>
    public TimeSpan LiveStallTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Told about every transient failure a subscription or read recovers from, with the pause before the retry.</summary>
    public Action<Exception, TimeSpan>? OnReconnecting { get; init; }
    /// <summary>How long a replaced channel stays open for the calls still on it; tests shorten it.</summary>
    internal TimeSpan RetiredChannelGrace { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Test seam: a subscription message for which this returns true is swallowed and its call never delivers again, as a stalled stream.</summary>
    internal Func<Protocol.Streams.ReadResp, bool>? StallSubscriptionAt { get; init; }

    internal void Validate()
    {
        if (ReconnectInitialDelay <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ReconnectInitialDelay), ReconnectInitialDelay, "must be positive");
        if (ReconnectMaxDelay < ReconnectInitialDelay) throw new ArgumentOutOfRangeException(nameof(ReconnectMaxDelay), ReconnectMaxDelay, "must be at least ReconnectInitialDelay");
        if (LiveIdleCheckpointInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(LiveIdleCheckpointInterval), LiveIdleCheckpointInterval, "must be positive");
        if (LiveStallTimeout < LiveIdleCheckpointInterval) throw new ArgumentOutOfRangeException(nameof(LiveStallTimeout), LiveStallTimeout, "must be at least LiveIdleCheckpointInterval");
        if (TransientRetryTimeout < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(TransientRetryTimeout), TransientRetryTimeout, "must not be negative");
        if (ReadPageSize < 1) throw new ArgumentOutOfRangeException(nameof(ReadPageSize), ReadPageSize, "must be at least 1");
    }
}
