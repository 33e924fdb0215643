using Projections.Core.Ports;

namespace Projections.Benchmarks.Backends;

/// <summary>Event stores of one kind (SQLite, EventStoreDB, ...) for the scenarios.</summary>
public interface IEventStoreFactory
{
    string Name { get; }

    /// <summary>
    /// True when stores are views of one server whose log outlives a scenario (EventStoreDB): streams
    /// appended through them need ids of their own, and counts must be taken from the store.
    /// </summary>
    bool Shared { get; }

    /// <summary>A store holding the workload's events in their global order.</summary>
    Task<IEventStore> CreateWith(Workload.Workload workload, string label, CancellationToken ct);

    /// <summary>A store to append to; empty unless <see cref="Shared"/>.</summary>
    Task<IEventStore> CreateEmpty(string label, CancellationToken ct);
}

/// <summary>Creates empty projection stores of one kind (SQLite, MongoDB, ...).</summary>
public interface IProjectionStoreFactory
{
    string Name { get; }
    Task<IProjectionStore> Create(string label, CancellationToken ct);
}

/// <summary>The event store and projection store a store-bound scenario runs on; swapping them re-runs the scenario elsewhere.</summary>
public sealed record Backend(IEventStoreFactory Events, IProjectionStoreFactory Documents)
{
    public string Name => Events.Name == Documents.Name ? Events.Name : $"{Events.Name} events, {Documents.Name} documents";
}
