using Projections.Benchmarks.Running;
using Projections.Core.Ports;
using Projections.EventStoreDb;

namespace Projections.Benchmarks.Backends;

/// <summary>
/// A real EventStoreDB (`--eventstore esdb://...`). One server log serves every scenario: each workload is
/// appended once, under stream ids suffixed with this run's id so earlier runs' streams stay apart;
/// events already on the server are read too and counted from the store.
/// </summary>
public sealed class EventStoreDbEventStoreFactory(string connectionString) : IEventStoreFactory, IAsyncDisposable
{
    private readonly string _runId = DateTime.UtcNow.ToString("MMddHHmmss");
    private readonly HashSet<Workload.Workload> _copied = [];
    private EventStoreDbEventStore? _store;

    public string Name => "EventStoreDB";
    public bool Shared => true;

    public async Task<IEventStore> CreateWith(Workload.Workload workload, string label, CancellationToken ct)
    {
        var store = await Connect(ct);
        if (_copied.Add(workload))
            await StoreLoader.CopyInto(store, workload.Events, ct, streamSuffix: $"-b{_runId}-{_copied.Count}");
        return store;
    }

    public Task<IEventStore> CreateEmpty(string label, CancellationToken ct) => Connect(ct);

    private async Task<IEventStore> Connect(CancellationToken ct)
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
        return new SharedEventStore(_store);
    }

    private static string FirstLine(string text) => text.Split('\n')[0];

    public async ValueTask DisposeAsync()
    {
        if (_store is not null) await _store.DisposeAsync();
    }
}
