using Projections.Benchmarks.Running;
using Projections.Core.Events;
using Projections.Core.Ports;
using Projections.EventStoreDb;

namespace Projections.Benchmarks.Backends;

/// <summary>
/// A real EventStoreDB (`--eventstore esdb://...`). One server log serves every scenario: each store a
/// scenario gets starts at the end of $all when it was made, and its workload is appended after that
/// under stream ids of its own (this run's id and a counter), so no scenario reads events of an earlier
/// run or of another scenario.
/// </summary>
public sealed class EventStoreDbEventStoreFactory(string connectionString) : IEventStoreFactory, IAsyncDisposable
{
    private readonly string _runId = DateTime.UtcNow.ToString("MMddHHmmss");
    private int _copies;
    private EventStoreDbEventStore? _store;

    public string Name => "EventStoreDB";
    public bool Shared => true;

    public async Task<IEventStore> CreateWith(Workload.Workload workload, string label, CancellationToken ct)
    {
        var store = await CreateEmpty(label, ct);
        await StoreLoader.CopyInto(store, workload.Events, ct, streamSuffix: $"-b{_runId}-{++_copies}");
        return store;
    }

    public async Task<IEventStore> CreateEmpty(string label, CancellationToken ct)
    {
        var server = await Connect(ct);
        var head = await server.ReadHeadPosition(ct);
        return new SharedEventStore(server, head == GlobalPosition.Start ? null : head);
    }

    private async Task<EventStoreDbEventStore> Connect(CancellationToken ct)
    {
        if (_store is null)
        {
            var store = EventStoreDbEventStore.Connect(connectionString);
            try
            {
                await store.GetServerCapabilities(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await store.DisposeAsync();
                throw new BackendUnavailableException(Name, $"EventStoreDB at {store.Description} cannot be used for the benchmarks: {FirstLine(e.Message)}", e);
            }
            _store = store;
        }
        return _store;
    }

    private static string FirstLine(string text) => text.Split('\n')[0];

    public async ValueTask DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }
}
