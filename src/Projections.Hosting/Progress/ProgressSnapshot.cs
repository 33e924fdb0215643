using Projections.Core.Runtime;

namespace Projections.Hosting.Progress;

/// <summary>What the terminal shows at one instant: every projection and a line from each <see cref="IProgressSource"/>.</summary>
internal sealed record ProgressSnapshot(DateTimeOffset At, IReadOnlyList<ProjectionProgress> Projections, IReadOnlyList<ProgressLine> Others);

/// <summary>One projection's figures at that instant.</summary>
internal sealed record ProjectionProgress(string Name, ProjectionStatus Status, string? Error, ProjectionStats Stats, RebuildProgress? Rebuild)
{
    /// <summary>Takes the runtime's current figures.</summary>
    public static ProjectionProgress From(IProjectionRuntime runtime) =>
        new(runtime.Name, runtime.Status, runtime.Error?.Message, runtime.GetStats(), runtime.Rebuild);
}
