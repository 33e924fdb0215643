using Projections.Core.InMemory;
using Projections.Core.Ports;
using Projections.Testing.ProjectionStores;

namespace Projections.Core.Tests;

/// <summary>The shared projection store contract against the in-memory store; a "restart" keeps the same instance, as its memory is its storage.</summary>
public sealed class InMemoryProjectionStoreContractTests : ProjectionStoreContract
{
    private readonly InMemoryProjectionStore _store = new();

    protected override Task<IProjectionStore> OpenStore() => Task.FromResult<IProjectionStore>(_store);

    protected override ValueTask CloseStore(IProjectionStore store) => ValueTask.CompletedTask;
}
