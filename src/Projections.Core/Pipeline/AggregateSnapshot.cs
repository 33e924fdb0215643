using Projections.Core.Events;

namespace Projections.Core.Pipeline;

/// <summary>
/// What an aggregate is after one applied event or timeout: state, version, position and deadline that
/// belong together. Immutable, and replaced as a whole (one reference write), so a reader on any thread
/// sees one snapshot or the next, never a mix (design.md "Live state").
/// </summary>
internal sealed class AggregateSnapshot(object state, long version, GlobalPosition position, DateTimeOffset? timeoutAt)
{
    public object State { get; } = state;
    public long Version { get; } = version;
    /// <summary>The global position of the last event applied; events at or below it are skipped (invariant 4).</summary>
    public GlobalPosition Position { get; } = position;
    public DateTimeOffset? TimeoutAt { get; } = timeoutAt;
}
