using Projections.Core.Ports;
using Projections.EventStoreDb.Connection;
using Projections.EventStoreDb.Tests.Integration;
using Projections.Testing.EventSources;

namespace Projections.EventStoreDb.Tests.Contract;

/// <summary>
/// The shared contract again, with the real server presented as an older one (21.10: no caught-up
/// message, no BatchAppend), so the fallbacks (caught-up by comparing with the head, one Append per
/// request) are held to the same scenarios. The restart scenario runs once, in
/// <see cref="EventStoreDbEventSourceContractTests"/>.
/// </summary>
[Collection(EventStoreDbCollection.Name)]
public sealed class OlderServerEventSourceContractTests(EventStoreDbServer server) : EventSourceContract
{
    protected override bool FiltersExactly => false;

    protected override Task<IEventStore> OpenStore() =>
        Task.FromResult<IEventStore>(new EventStoreDbEventStore(
            ConnectionStringParser.Parse(server.RequireConnectionString()),
            new EventStoreDbOptions { LiveIdleCheckpointInterval = TimeSpan.FromMilliseconds(300) },
            real => new ServerCapabilities(new Version(21, 10, 0), SupportsBatchAppend: false, SendsCaughtUp: false)));
}
