using Projections.Core.Ports;
using Projections.Sqlite.Events;
using Projections.Testing.EventSources;

namespace Projections.Sqlite.Tests;

/// <summary>The shared event source contract, run against a SQLite file per test.</summary>
public sealed class SqliteEventSourceContractTests : EventSourceContract
{
    private readonly TempDatabase _files = new();

    protected override Task<IEventStore> OpenStore() =>
        Task.FromResult<IEventStore>(new SqliteEventStore(new SqliteStoreOptions(_files.Path("events.db")) { PollInterval = TimeSpan.FromMilliseconds(50) }));

    protected override async ValueTask Cleanup()
    {
        await base.Cleanup();
        _files.Dispose();
    }
}
