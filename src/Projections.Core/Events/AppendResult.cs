namespace Projections.Core.Events;

/// <summary>Outcome of a successful append: the stream's new last revision and the last event's position.</summary>
public readonly record struct AppendResult(ulong NextExpectedRevision, GlobalPosition Position);

/// <summary>One stream's part of a multi-stream append.</summary>
public sealed record AppendRequest(string StreamId, ExpectedRevision Expected, IReadOnlyList<EventData> Events);
