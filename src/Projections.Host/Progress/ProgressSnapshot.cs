using Projections.Core.Runtime;

namespace Projections.Host.Progress;

/// <summary>What the terminal shows at one instant: every projection and, when it runs, the simulator.</summary>
public sealed record ProgressSnapshot(DateTimeOffset At, IReadOnlyList<ProjectionProgress> Projections, SimulatorProgress? Simulator);

public sealed record ProjectionProgress(string Name, ProjectionStatus Status, string? Error, ProjectionStats Stats, RebuildProgress? Rebuild)
{
    public static ProjectionProgress From(IProjectionRuntime runtime) =>
        new(runtime.Name, runtime.Status, runtime.Error?.Message, runtime.GetStats(), runtime.Rebuild);
}

public sealed record SimulatorProgress(long EventsAppended, double EventsPerSecond, bool Running, string? Error);
