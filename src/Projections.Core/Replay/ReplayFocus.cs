using Projections.Core.Events;

namespace Projections.Core.Replay;

/// <summary>Restricts a reference fold to one key and reports each step of it (an applied event or a fired timeout).</summary>
/// <param name="OnStep">Called synchronously after each step: read or serialize <see cref="ReplayStep.State"/> before returning, the next step may change it.</param>
public sealed record ReplayFocus(string Key, Action<ReplayStep> OnStep);

/// <summary>
/// One step of an aggregate's fold. <see cref="Event"/> is null for a fired timeout, whose
/// <see cref="Deadline"/> is set and whose <see cref="Position"/> is the event that made it due (null when
/// stream time moved without an event, e.g. the checkpoint's stream time at the end).
/// </summary>
public sealed record ReplayStep(string Key, RecordedEvent? Event, DateTimeOffset Time, DateTimeOffset? Deadline, GlobalPosition? Position, object State, long Version, DateTimeOffset? TimeoutAt);
