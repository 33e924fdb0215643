using Projections.Benchmarks.Running;
using Projections.Core.InMemory;
using Projections.Core.Ports;

namespace Projections.Benchmarks.Backends;

/// <summary>The engine's in-memory event and projection stores: the engine measured without any database.</summary>
public sealed class InMemoryEventStoreFactory : IEventStoreFactory
{
    public string Name => "in-memory";
    public bool Shared => false;

    public async Task<IEventStore> CreateWith(Workload.Workload workload, string label, CancellationToken ct)
    {
        var store = new InMemoryEventStore();
        await StoreLoader.CopyInto(store, workload.Events, ct);
        return store;
    }

    public Task<IEventStore> CreateEmpty(string label, CancellationToken ct) => Task.FromResult<IEventStore>(new InMemoryEventStore());
}

public sealed class InMemoryProjectionStoreFactory : IProjectionStoreFactory
{
    public string Name => "in-memory";
    public Task<IProjectionStore> Create(string label, CancellationToken ct) => Task.FromResult<IProjectionStore>(new InMemoryProjectionStore());
}
