using Projections.Core.Events;
using Projections.Core.Projections;

namespace Projections.Benchmarks.Workload;

/// <summary>The events of one benchmark run, in global order, and the projection that folds them.</summary>
public sealed class Workload(string description, IReadOnlyList<RecordedEvent> events, Func<IProjection> createProjection)
{
    public string Description { get; } = description;
    public IReadOnlyList<RecordedEvent> Events { get; } = events;
    /// <summary>A fresh projection instance (each run gets its own, as a host would).</summary>
    public IProjection CreateProjection() => createProjection();

    /// <summary>Events per stream (per item for plant-items), rounded down.</summary>
    public int EventsPerStream => _eventsPerStream ??= Events.Count / Math.Max(1, Events.Select(e => e.StreamId).Distinct().Count());
    private int? _eventsPerStream;
}
