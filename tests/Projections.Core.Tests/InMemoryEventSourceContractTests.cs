using Projections.Core.InMemory;
using Projections.Core.Ports;
using Projections.Testing.EventSources;

namespace Projections.Core.Tests;

/// <summary>The shared event source contract, run against the in-memory event store every engine test uses.</summary>
public sealed class InMemoryEventSourceContractTests : EventSourceContract
{
    protected override string? RestartUnsupportedReason =>
        "The in-memory event store lives in the test process: there is no server that could go away and come back.";

    protected override Task<IEventStore> OpenStore() => Task.FromResult<IEventStore>(new InMemoryEventStore());
}
