using Projections.Core.InMemory;
using Projections.Core.Ports;
using Projections.Testing.EventSources;

namespace Projections.Core.Tests;

/// <summary>The shared event source contract, run against the in-memory event store every engine test uses.</summary>
public sealed class InMemoryEventSourceContractTests : EventSourceContract
{
    protected override Task<IEventStore> OpenStore() => Task.FromResult<IEventStore>(new InMemoryEventStore());
}
