using Projections.Core.Ports;
using Projections.EventStoreDb.Tests.Integration;
using Projections.Testing;
using Projections.Testing.EventSources;

namespace Projections.EventStoreDb.Tests.Contract;

/// <summary>
/// The shared event source contract against a real EventStoreDB: PROJECTIONS_TEST_ESDB, or a
/// Testcontainers container when Docker answers; skipped with a reason naming the variable otherwise.
/// </summary>
[Collection(EventStoreDbCollection.Name)]
public sealed class EventStoreDbEventSourceContractTests(EventStoreDbServer server) : RestartableEventSourceContract
{
    /// <summary>The server filters on one dimension (event type or stream prefix); the engine re-checks the rest.</summary>
    protected override bool FiltersExactly => false;

    protected override void RequireRestartableServer()
    {
        server.RequireConnectionString();
        if (!server.CanRestart)
            MissingServer.SkipOrFail(TestServer.EventStoreDB,
                $"none that can be restarted: a server found through {EventStoreDbServer.ConnectionVariable} needs {EventStoreDbServer.RestartVariable}, a command that restarts it with its data kept (a disk database).");
    }

    protected override Task<IEventStore> OpenStore() =>
        Task.FromResult<IEventStore>(EventStoreDbEventStore.Connect(server.RequireConnectionString(),
            new EventStoreDbOptions { ReconnectMaxDelay = TimeSpan.FromMilliseconds(500), LiveIdleCheckpointInterval = TimeSpan.FromMilliseconds(300) }));

    protected override Task RestartServer(CancellationToken cancellationToken) => server.Restart(cancellationToken);
}
