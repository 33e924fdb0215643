using Projections.Core.Events;

namespace Projections.Core.Ports;

public enum SubscriptionMessageKind
{
    /// <summary>An event matching the filter.</summary>
    Event,
    /// <summary>The source scanned up to <see cref="SubscriptionMessage.Position"/> with nothing (more) matching.</summary>
    Checkpoint,
    /// <summary>Everything written before the subscription started has been delivered; from now on delivery is live.</summary>
    CaughtUp,
    /// <summary>The subscription fell behind the head again (live delivery turned into catch-up).</summary>
    FellBehind,
    /// <summary>
    /// The source lost its connection (or a read failed) and is retrying; <see cref="SubscriptionMessage.Position"/>
    /// is the last position delivered; <see cref="SubscriptionMessage.Reason"/> says why. The source retries on its own and
    /// resumes after the last message yielded, so nothing is skipped. Until the next <see cref="CaughtUp"/> the consumer is not live.
    /// </summary>
    Disconnected,
}

/// <summary>One message of a catch-up subscription. A struct, so the hot path allocates nothing for it.</summary>
public readonly record struct SubscriptionMessage(SubscriptionMessageKind Kind, RecordedEvent? Event, GlobalPosition Position)
{
    /// <summary>Why the source disconnected (<see cref="SubscriptionMessageKind.Disconnected"/> only), without credentials.</summary>
    public string? Reason { get; init; }

    /// <summary>How long the source waits before it retries (<see cref="SubscriptionMessageKind.Disconnected"/> only).</summary>
    public TimeSpan RetryIn { get; init; }

    public static SubscriptionMessage ForEvent(RecordedEvent e) => new(SubscriptionMessageKind.Event, e, e.Position);
    public static SubscriptionMessage ForCheckpoint(GlobalPosition p) => new(SubscriptionMessageKind.Checkpoint, null, p);
    public static SubscriptionMessage ForCaughtUp(GlobalPosition p) => new(SubscriptionMessageKind.CaughtUp, null, p);
    public static SubscriptionMessage ForFellBehind(GlobalPosition p) => new(SubscriptionMessageKind.FellBehind, null, p);
    public static SubscriptionMessage ForDisconnected(GlobalPosition last, string reason, TimeSpan retryIn) =>
        new(SubscriptionMessageKind.Disconnected, null, last) { Reason = reason, RetryIn = retryIn };
}
