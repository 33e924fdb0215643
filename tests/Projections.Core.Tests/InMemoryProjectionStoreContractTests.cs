using Projections.Core.InMemory;
using Projections.Core.Ports;
using Projections.Testing.ProjectionStores;

namespace Projections.Core.Tests;

/// <summary>
/// The shared projection store contract, run against the in-memory store every engine test uses, so
/// the fake those tests rely on behaves like the durable stores. A restart keeps the same instance:
/// its memory is the storage.
/// </summary>
public sealed class InMemoryProjectionStoreContractTests : ProjectionStoreContract
{
    private readonly InMemoryProjectionStore _store = new();

    protected override Task<IProjectionStore> OpenStore() => Task.FromResult<IProjectionStore>(_store);

    protected override ValueTask CloseStore(IProjectionStore store) => ValueTask.CompletedTask;
}
