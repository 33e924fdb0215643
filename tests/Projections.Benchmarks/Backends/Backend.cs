using Projections.Core.Ports;

namespace Projections.Benchmarks.Backends;

/// <summary>Creates empty event stores of one kind (SQLite, EventStoreDB, ...); <paramref name="label"/> keeps instances apart.</summary>
public interface IEventStoreFactory
{
    string Name { get; }
    Task<IEventStore> Create(string label, CancellationToken ct);
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
