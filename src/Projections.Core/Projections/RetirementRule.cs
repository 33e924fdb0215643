namespace Projections.Core.Projections;

/// <summary>
/// When an aggregate is finished: once <see cref="IsFinished"/> has held for <see cref="After"/> of stream
/// time and the aggregate is persisted, it leaves memory (its timer, if any, stays in its stored
/// document). It comes back through read-through only if another event arrives. Documents are the same
/// with or without retirement; only memory changes.
/// </summary>
public sealed record RetirementRule(Func<object, bool> IsFinished, TimeSpan After);
