using Projections.Core.Ports;
using Projections.Host.Cli;
using Projections.Host.Configuration;
using Projections.Sqlite.Documents;
using Projections.Sqlite.Events;

namespace Projections.Host.Composition;

/// <summary>
/// Opens the event source and the projection store the settings name, and checks both answer before
/// anything starts, so an unusable store is one clear line (naming the store, never its credentials).
/// </summary>
public static class AdapterFactory
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);

    public static async Task<HostAdapters> Open(HostSettings settings, bool needsWritableEvents, CancellationToken cancellationToken)
    {
        var owned = new OwnedResources();
        try
        {
            if (settings.UsesSqlite) DataDirectoryCheck.EnsureUsable(settings.DataDirectory);
            var source = await OpenEvents(settings, owned, cancellationToken);
            if (needsWritableEvents && source is not IEventStore)
                throw new HostUserException($"{source.Description} cannot be appended to; the simulator needs the embedded event store or an EventStoreDB.");
            var store = await OpenProjectionStore(settings, owned, cancellationToken);
            return new HostAdapters(source, store, owned);
        }
        catch
        {
            await owned.DisposeAsync();
            throw;
        }
    }

    /// <summary>Only the event store (for <c>simulate</c>); it must be appendable.</summary>
    public static async Task<(IEventStore Events, IAsyncDisposable Owner)> OpenWritableEvents(HostSettings settings, CancellationToken cancellationToken)
    {
        var owned = new OwnedResources();
        try
        {
            if (settings.UsesEmbeddedEventStore) DataDirectoryCheck.EnsureUsable(settings.DataDirectory);
            var source = await OpenEvents(settings, owned, cancellationToken);
            return source is IEventStore store
                ? (store, owned)
                : throw new HostUserException($"{source.Description} cannot be appended to; simulate needs the embedded event store or an EventStoreDB.");
        }
        catch
        {
            await owned.DisposeAsync();
            throw;
        }
    }

    private static async Task<IEventSource> OpenEvents(HostSettings settings, OwnedResources owned, CancellationToken cancellationToken)
    {
        if (settings.EventStore is { } esdb)
        {
            var source = owned.Add(EventStoreDbAdapter.Open(esdb));
            await Probe($"EventStoreDB at {esdb.Redacted} (given by {HostOptionCatalog.EventStore.Display})",
                ct => source.ReadHeadPosition(ct), cancellationToken);
            return source;
        }

        var sqlite = owned.Add(Create(() => new SqliteEventStore(settings.EventsDatabasePath), settings.EventsDatabasePath));
        await Probe(sqlite.Description, async ct =>
        {
            await sqlite.Initialize(ct);
            return await sqlite.ReadHeadPosition(ct);
        }, cancellationToken);
        return sqlite;
    }

    private static async Task<IProjectionStore> OpenProjectionStore(HostSettings settings, OwnedResources owned, CancellationToken cancellationToken)
    {
        IProjectionStore store;
        string what;
        if (settings.Mongo is { } mongo)
        {
            store = MongoAdapter.Open(mongo, settings.MongoDatabase);
            what = $"MongoDB at {mongo.Redacted} (given by {HostOptionCatalog.Mongo.Display})";
        }
        else if (settings.Postgres is { } postgres)
        {
            store = PostgresAdapter.Open(postgres);
            what = $"PostgreSQL at {postgres.Redacted} (given by {HostOptionCatalog.Postgres.Display})";
        }
        else
        {
            store = Create(() => new SqliteProjectionStore(settings.ProjectionsDatabasePath), settings.ProjectionsDatabasePath);
            what = store.Description;
        }
        owned.Add(store);
        await Probe(what, async ct =>
        {
            await store.Initialize(ct);
            return 0;
        }, cancellationToken);
        return store;
    }

    private static T Create<T>(Func<T> create, string path)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new HostUserException($"SQLite database '{path}' is not usable: {e.Message}", e);
        }
    }

    private static async Task Probe<T>(string what, Func<CancellationToken, Task<T>> probe, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            await probe(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HostUserException($"{what} did not answer within {ProbeTimeout.TotalSeconds:0} s.");
        }
        catch (Exception e) when (e is not OperationCanceledException and not HostUserException)
        {
            throw new HostUserException($"{what} is not usable: {ConnectionStrings.Redact(e.Message)}", e);
        }
    }
}
