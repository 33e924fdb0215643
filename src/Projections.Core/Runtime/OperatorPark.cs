using System.Text.Json;
using Projections.Core.Events;

namespace Projections.Core.Runtime;

/// <summary>
/// What an operator told a stopped projection to park before it continues: the event it stopped on
/// (by position), or the timer it stopped on (aggregate key and deadline). Who asked goes into the
/// dead letter's reason and the log.
/// </summary>
public sealed record OperatorPark(string Actor, GlobalPosition? Position, string? TimerKey, DateTimeOffset? TimerDeadline)
{
    /// <summary>The event type of a timer's dead letter; its data is <c>{"key":..., "deadline":...}</c>.</summary>
    public const string TimeoutEventType = "$timeout";

    /// <summary>The park that passes the failure a projection stopped on; null when it did not stop on an event or a timer.</summary>
    public static OperatorPark? For(ProjectionFailedException failure, string actor) => failure switch
    {
        { Position: { } position } => new OperatorPark(actor, position, null, null),
        { TimerKey: { } key, TimerDeadline: { } deadline } => new OperatorPark(actor, null, key, deadline),
        _ => null,
    };

    public bool Covers(GlobalPosition position) => Position == position;

    public bool Covers(string key, DateTimeOffset deadline) => TimerKey == key && TimerDeadline == deadline;

    public string Describe() => Position is { } p ? $"the event at position {p}" : $"the timeout of aggregate '{TimerKey}' due {TimerDeadline:O}";

    /// <summary>The payload of a timer's dead letter.</summary>
    public static byte[] TimerData(string key, DateTimeOffset deadline) =>
        JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["key"] = key, ["deadline"] = deadline.ToString("O") });
}
